"""The WSGI application of the local mode.

`/api/*` goes to the Lambda handlers, the rest comes from the built site.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import yaml
from stack.template import load_template
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from localdev import edge, gateway, reload

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


def _object_key(url_path: str) -> str | None:
    """The object a path names once S3 decodes it; None when its bytes are not UTF-8."""
    try:
        return unquote_to_bytes(url_path).decode("utf-8")
    except UnicodeDecodeError:
        return None


class LocalApp:
    """Serves the built site as CloudFront would, and hands `/api/*` to the handlers AWS runs.

    Routes and the 404 page come from `infra/template.yaml`; `routes` replaces the
    template's (route key `POST /api/x` or `ANY /api/x` → handler import path).
    With `reloads` (the preview), every HTML page carries the reload script.
    """

    def __init__(
        self,
        site_dir: Path,
        routes: dict[str, str] | None = None,
        shortlinks_file: Path | None = None,
        reloads: reload.Reloads | None = None,
    ) -> None:
        template = load_template()
        self.site_dir = site_dir
        self.routes = gateway.template_routes(template) if routes is None else dict(routes)
        self.error_page = edge.error_page(template)
        self.shortlinks_file = shortlinks_file
        self._shortlinks: tuple[int, dict[str, str]] = (0, {})
        self.reloads = reloads
        self._handlers: dict[str, gateway.Handler] = {}
        # One request at a time reaches a handler, as one Lambda instance would serve them.
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path == "/api" or request.path.startswith("/api/"):
            response = self.api(request)
        elif self.reloads is not None and request.path.startswith(reload.PREFIX):
            response = self.preview(request, self.reloads)
        else:
            response = self.static(request)
        return response(environ, start_response)

    def api(self, request: Request) -> Response:
        """What API Gateway does for `/api/*`: the route's function, or its own answers."""
        route_key = gateway.match_route(self.routes, request.method, request.path)
        if route_key is None:
            return gateway.own_answer(404, "Not Found")
        handler_path = self.routes[route_key]
        request.max_content_length = gateway.MAX_PAYLOAD_BYTES
        try:
            event = gateway.http_api_event(request, route_key)
        except RequestEntityTooLarge:
            return gateway.own_answer(413, "Request Entity Too Large")
        with self._lock:
            try:
                handler = self._handlers.get(handler_path) or gateway.load_handler(handler_path)
            except (ImportError, AttributeError) as error:
                log.warning("handler %s cannot be imported: %s", handler_path, error)
                body = json.dumps({"message": f"Handler not available: {handler_path}"})
                return Response(body, 503, mimetype="application/json")
            self._handlers[handler_path] = handler
            context = gateway.LambdaContext(function_name=gateway.function_name(handler_path))
            try:
                result = handler(event, context)
            except Exception:
                # What API Gateway answers when the function fails.
                log.exception("handler %s failed", handler_path)
                return gateway.own_answer(500, "Internal Server Error")
        try:
            return gateway.http_response(result)
        except gateway.InvalidResult as error:
            # And when the function's answer is not one it can send.
            log.error("handler %s gave an answer API Gateway refuses: %s", handler_path, error)
            return gateway.own_answer(500, "Internal Server Error")

    def static(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("Method Not Allowed", 405, {"Allow": "GET, HEAD"})
        # The address as CloudFront gets it (still percent-encoded), not Werkzeug's decoding.
        outcome = edge.viewer_request(
            edge.wire_path(request.environ),
            edge.wire_query(request.environ),
            request.headers.get("Accept-Language", ""),
            self.shortlinks(),
        )
        if isinstance(outcome, edge.Redirect):
            response = Response("", outcome.status, {"Location": outcome.location})
            response.headers["Cache-Control"] = outcome.cache_control
            if outcome.vary:
                response.headers["Vary"] = outcome.vary
            return response
        key = _object_key(outcome)
        path = self._site_file(key) if key is not None else None
        if path is not None:
            return self._file(request, path, 200)
        page = self._site_file(self.error_page)
        if page is not None:
            return self._file(request, page, 404)
        return Response("404 Not Found", 404, mimetype="text/plain")

    @staticmethod
    def preview(request: Request, reloads: reload.Reloads) -> Response:
        """The reload script, and the answer it waits for: the site's version once it changes."""
        name = request.path.removeprefix(reload.PREFIX)
        if name == "reload.js":
            response = Response(reload.SCRIPT.read_bytes(), mimetype="text/javascript")
        elif name == "wait":
            seen = request.args.get("version", "")
            version = reloads.wait(seen, timeout=20)
            if version == seen:
                # Nothing new in 20 s, or the local mode is stopping: the page asks again.
                status = 503 if reloads.closed else 200
                response = Response(json.dumps({"version": version}), status)
            else:
                response = Response(json.dumps({"version": version}))
            response.mimetype = "application/json"
        else:
            return Response("404 Not Found", 404, mimetype="text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response

    def _site_file(self, url_path: str) -> Path | None:
        """The file of the built site at this address, never one outside it."""
        if not url_path or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url_path):
            return None  # no object key of the site has a control character
        target = safe_join(str(self.site_dir), url_path.lstrip("/"))
        return Path(target) if target is not None and Path(target).is_file() else None

    def shortlinks(self) -> dict[str, str]:
        """Short path → page, from the data file, re-read when it changes."""
        if self.shortlinks_file is None or not self.shortlinks_file.is_file():
            return {}
        modified = self.shortlinks_file.stat().st_mtime_ns
        if modified != self._shortlinks[0]:
            links = yaml.safe_load(self.shortlinks_file.read_text(encoding="utf-8")) or []
            self._shortlinks = (modified, {link["path"]: link["to"] for link in links})
        return self._shortlinks[1]

    def _file(self, request: Request, path: Path, status: int) -> Response:
        if self.reloads is not None and path.suffix == ".html":
            # The version first: a rebuild swapped in meanwhile then means one reload more,
            # never a page that misses its reload.
            version = self.reloads.version
            body = reload.inject(path.read_bytes(), version)
            response = Response(body, status, mimetype="text/html")
            response.headers["Cache-Control"] = "no-cache"
            return response
        response = send_file(path, request.environ, conditional=status == 200, max_age=None)
        if response.status_code == 200:
            response.status_code = status
        # A preview must show the latest build at once.
        response.headers["Cache-Control"] = "no-cache"
        return response
