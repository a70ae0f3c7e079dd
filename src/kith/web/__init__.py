"""Kith in a browser: server-rendered pages (Jinja2 + HTMX), the REST API and the feeds."""
