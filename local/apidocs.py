"""The API's own documentation on the local server: `GET /openapi.json` and an offline Swagger UI at `/docs`.

The spec is the committed `docs/openapi.json` (`make docs`), read on every request so a regenerated file shows
at once, with `servers` pointing at this server so "Try it out" calls it. The Swagger UI assets come from the
`aws_lambda_powertools` package (already a runtime dependency, which bundles them): no CDN, works offline.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from local.apigw import HttpResponse, error_response, json_response

log = logging.getLogger("local.apidocs")

SPEC_FILE = Path("docs") / "openapi.json"
SPEC_PATH = "/openapi.json"
UI_PATH = "/docs"
SWAGGER_PACKAGE = "aws_lambda_powertools.event_handler.openapi.swagger_ui"
# URL under /docs/ -> (file in SWAGGER_PACKAGE, content type)
ASSETS: dict[str, tuple[str, str]] = {
    "swagger-ui-bundle.js": ("swagger-ui-bundle.min.js", "application/javascript; charset=utf-8"),
    "swagger-ui.css": ("swagger-ui.min.css", "text/css; charset=utf-8"),
}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} - local</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{ui}/swagger-ui.css">
  <style>body {{ margin: 0; }} .local-note {{ font: 14px sans-serif; padding: 8px 20px; background: #fafafa; }}</style>
</head>
<body>
  <div class="local-note">Local runtime (<code>make dev</code>): requests without a token run as the default dev
    principal (group <code>sales</code>); <b>Authorize</b> with <code>dev:&lt;user-id&gt;:&lt;group&gt;[,&lt;group&gt;]
    [:&lt;partner-id&gt;]</code> (e.g. <code>dev:00000000-0000-7000-8000-000000000002:admin</code>) to act as another.
  </div>
  <div id="swagger-ui"></div>
  <script src="{ui}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "{spec}",
      dom_id: "#swagger-ui",
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      deepLinking: true,
      docExpansion: "list",
      filter: true,
      displayOperationId: true,
      displayRequestDuration: true,
      showExtensions: true,
      persistAuthorization: true,
      validatorUrl: null
    }});
  </script>
</body>
</html>
"""


@cache
def _asset(name: str) -> bytes | None:
    try:
        return resources.files(SWAGGER_PACKAGE).joinpath(name).read_bytes()
    except (ModuleNotFoundError, OSError):
        log.warning("Swagger UI asset %s not found in %s", name, SWAGGER_PACKAGE)
        return None


class ApiDocs:
    """Answers `/openapi.json`, `/docs` and `/docs/<asset>` (`handles` tells whether a path is one of them)."""

    def __init__(self, root: Path) -> None:
        self.spec_file = root / SPEC_FILE

    @property
    def available(self) -> bool:
        return self.spec_file.is_file()

    def handles(self, path: str) -> bool:
        return path in (SPEC_PATH, UI_PATH, UI_PATH + "/") or path.startswith(UI_PATH + "/")

    def handle(self, method: str, path: str, host: str) -> HttpResponse:
        if method not in ("GET", "HEAD"):
            return error_response(
                405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}; allowed: GET", [("Allow", "GET, HEAD")]
            )
        if not self.available:
            return error_response(404, "ROUTE_NOT_FOUND", f"no API description here: {self.spec_file} does not exist")
        if path == SPEC_PATH:
            return self._spec(host)
        if path in (UI_PATH, UI_PATH + "/"):
            return self._page()
        return self._static(path.removeprefix(UI_PATH + "/"))

    def spec(self, base_url: str) -> dict[str, Any]:
        """The committed spec with `servers` rewritten to this server (and its stage prefixes)."""
        document: dict[str, Any] = json.loads(self.spec_file.read_text(encoding="utf-8"))
        document["servers"] = [
            {"url": base_url, "description": "this local runtime (`make dev`)"},
            {"url": base_url + "/v1", "description": "the same, under the stage prefix as the deployed invoke URL"},
        ]
        return document

    def _spec(self, host: str) -> HttpResponse:
        try:
            document = self.spec(f"http://{host}")
        except (OSError, ValueError) as error:
            return error_response(500, "LOCAL_RUNTIME_ERROR", f"cannot read {self.spec_file}: {error}")
        return json_response(200, document, [("Cache-Control", "no-store")])

    def _page(self) -> HttpResponse:
        try:
            title = str(json.loads(self.spec_file.read_text(encoding="utf-8"))["info"]["title"])
        except (OSError, ValueError, KeyError, TypeError):
            title = "API"
        body = _PAGE.format(title=title.replace("<", "&lt;"), ui=UI_PATH, spec=SPEC_PATH)
        return HttpResponse(
            200, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")], body.encode("utf-8")
        )

    def _static(self, name: str) -> HttpResponse:
        if name not in ASSETS:
            return error_response(404, "ROUTE_NOT_FOUND", f"no such documentation asset: {name}")
        file, content_type = ASSETS[name]
        content = _asset(file)
        if content is None:
            return error_response(
                500, "LOCAL_RUNTIME_ERROR", f"{file} is missing from {SWAGGER_PACKAGE} (reinstall: make install)"
            )
        return HttpResponse(200, [("Content-Type", content_type), ("Cache-Control", "max-age=3600")], content)
