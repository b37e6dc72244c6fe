"""Offline API docs: Swagger UI at ``/docs`` from assets installed with the ``serve`` extra, so the
page needs no CDN."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def add_local_docs(app: FastAPI) -> None:
    """Swagger UI at ``/docs`` from the assets in the swagger-ui-bundle package (no CDN: the docs
    work offline); without that package there is no ``/docs``, only ``/openapi.json``."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")
