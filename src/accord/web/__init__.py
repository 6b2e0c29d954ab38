"""Server-rendered pages: the Jinja2 environment, GOV.UK Frontend base layout, static files."""
