"""The Qt shell: windows, views, table models and workers over the Qt-free core."""
