"""Exporters: a small document model (`document.py`) rendered to PDF, Excel and Markdown, and safe CSV."""
