"""The API's documentation page (/docs): Swagger UI served from this application's own
static files, so it works offline and under the pages' content security policy.

FastAPI's default page loads its scripts from a CDN and starts them with an inline script;
both are blocked here, so `create_app` turns it off and this page takes its place.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>accord API documentation</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/api-docs-init.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_documentation() -> HTMLResponse:
    return HTMLResponse(PAGE)
