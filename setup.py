"""Packaging detail pyproject.toml cannot say: the top-level ``resources/`` and ``data/``
folders (the layout the product fixes) ship inside the package as ``workbench/resources``
and ``workbench/data``, so a wheel (not only an editable install) finds its user guide,
icons, styles, boundaries and demo sample. ``workbench.paths`` looks in both places."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["workbench", "workbench.*"]) + ["workbench.resources", "workbench.data"],
    package_dir={"workbench.resources": "resources", "workbench.data": "data"},
    package_data={"workbench.resources": ["**/*"], "workbench.data": ["**/*"]},
)
