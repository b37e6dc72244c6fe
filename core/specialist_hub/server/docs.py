"""Offline API docs: Swagger UI at ``/docs`` from the assets that the fastapi-offline package ships
(Swagger UI 5, which reads the OpenAPI 3.1 that FastAPI writes; no CDN, so the page works offline)."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles

ASSETS_ROUTE = "/docs-assets"


def add_local_docs(app: FastAPI) -> None:
    """``/docs`` from the installed assets; without the package there is only ``/openapi.json``."""
    try:
        assets = resources.files("fastapi_offline") / "static"
    except ModuleNotFoundError:
        return
    app.mount(ASSETS_ROUTE, StaticFiles(directory=str(assets)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
                                   swagger_js_url=f"{ASSETS_ROUTE}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS_ROUTE}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS_ROUTE}/favicon.png",
                                   swagger_ui_parameters={"validatorUrl": None})  # no badge from swagger.io
