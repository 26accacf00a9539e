"""The WSGI application of the local mode.

`/api/*` goes to the Lambda handlers, the rest comes from the built site.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from werkzeug.security import safe_join
from werkzeug.utils import redirect, send_file
from werkzeug.wrappers import Request, Response

from localdev import gateway

log = logging.getLogger("localdev")

# Types Python's table may lack on a slim machine; the site ships all of these.
for _type, _suffix in (
    ("application/manifest+json", ".webmanifest"),
    ("font/woff2", ".woff2"),
    ("image/svg+xml", ".svg"),
    ("text/javascript", ".js"),
    ("application/json", ".json"),
    ("application/xml", ".xml"),
):
    mimetypes.add_type(_type, _suffix)

StartResponse = Any


class LocalApp:
    """Serves the built site and hands `/api/*` to the same handlers AWS runs."""

    def __init__(
        self,
        site_dir: Path,
        routes: dict[str, str] | None = None,
        shortlinks_file: Path | None = None,
    ) -> None:
        self.site_dir = site_dir
        self.routes = dict(gateway.ROUTES if routes is None else routes)
        self.shortlinks_file = shortlinks_file
        self._shortlinks: tuple[int, dict[str, str]] = (0, {})
        self._handlers: dict[str, gateway.Handler] = {}
        # One request at a time reaches a handler, as one Lambda instance would serve them.
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path == "/api" or request.path.startswith("/api/"):
            response = self.api(request)
        else:
            response = self.static(request)
        return response(environ, start_response)

    def api(self, request: Request) -> Response:
        handler_path = self.routes.get(request.path.rstrip("/") or "/")
        if handler_path is None:
            return Response('{"message":"Not Found"}', 404, mimetype="application/json")
        event = gateway.http_api_event(request, f"{request.method} {request.path}")
        with self._lock:
            try:
                handler = self._handlers.get(handler_path) or gateway.load_handler(handler_path)
            except (ImportError, AttributeError) as error:
                log.warning("handler %s cannot be imported: %s", handler_path, error)
                body = f'{{"message":"Handler not available: {handler_path}"}}'
                return Response(body, 503, mimetype="application/json")
            self._handlers[handler_path] = handler
            context = gateway.LambdaContext(function_name=gateway.function_name(handler_path))
            try:
                result = handler(event, context)
            except Exception:
                # What API Gateway answers when the function fails.
                log.exception("handler %s failed", handler_path)
                return Response(
                    '{"message":"Internal Server Error"}', 500, mimetype="application/json"
                )
        return gateway.http_response(result)

    def static(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("Method Not Allowed", 405, {"Allow": "GET, HEAD"})
        target_page = self.shortlinks().get(request.path.rstrip("/"))
        if target_page is not None:
            # As CloudFront does in production: a 301 that keeps the campaign parameters.
            query = f"?{request.query_string.decode()}" if request.query_string else ""
            return redirect(f"{target_page}{query}", 301)
        relative = request.path.lstrip("/")
        target = safe_join(str(self.site_dir), relative) if relative else str(self.site_dir)
        if target is not None:
            path = Path(target)
            if path.is_dir():
                if not request.path.endswith("/"):
                    # Directory links get their slash, so relative links in the page resolve.
                    query = f"?{request.query_string.decode()}" if request.query_string else ""
                    return redirect(f"{request.path}/{query}", 301)
                path = path / "index.html"
            if path.is_file():
                return self._file(request, path, 200)
        return self.not_found(request)

    def shortlinks(self) -> dict[str, str]:
        """Short path → page, from the data file, re-read when it changes."""
        if self.shortlinks_file is None or not self.shortlinks_file.is_file():
            return {}
        modified = self.shortlinks_file.stat().st_mtime_ns
        if modified != self._shortlinks[0]:
            links = yaml.safe_load(self.shortlinks_file.read_text(encoding="utf-8")) or []
            self._shortlinks = (modified, {link["path"]: link["to"] for link in links})
        return self._shortlinks[1]

    def not_found(self, request: Request) -> Response:
        """The site's 404 page, in the visitor's language when the build has one per language."""
        language = request.path.strip("/").split("/", 1)[0]
        localised = safe_join(str(self.site_dir), language, "404.html") if language else None
        for candidate in (localised, str(self.site_dir / "404.html")):
            if candidate is not None and Path(candidate).is_file():
                return self._file(request, Path(candidate), 404)
        return Response("404 Not Found", 404, mimetype="text/plain")

    @staticmethod
    def _file(request: Request, path: Path, status: int) -> Response:
        response = send_file(path, request.environ, conditional=status == 200, max_age=None)
        response.status_code = status if response.status_code == 200 else response.status_code
        # A preview must show the latest build at once.
        response.headers["Cache-Control"] = "no-cache"
        return response
