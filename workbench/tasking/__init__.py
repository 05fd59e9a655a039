"""Tasking: PATPs, their QA and TTCG workflow, meetings, results analysis (Qt-free)."""
