"""Exporters: a small document model (`document.py`) rendered to PDF, Excel, Markdown and safe CSV;
`files.render` turns a Document into any of these files."""
