"""What CloudFront does in front of the site, done in Python for the local mode.

The same rules as the deployed `EdgeRequestFunction` (`infra/edge/viewer-request.js`,
viewer request) and the distribution's 404 page: `/` goes to the visitor's language, the
short links answer 301, a folder address gets its slash and its `index.html`, and every
`Location` is a path of this site (`site_path`). Like the CloudFront Function, it works on
the address as the viewer sent it, still percent-encoded (`wire_path`, `wire_query`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

DEFAULT_ERROR_PAGE = "/404.html"

# A Location's path and query hold only what RFC 3986 allows unencoded (the JavaScript
# function's encodeURI set, less "?" and "#" in a path, "#" in a query); escapes already
# there stay. Everything else is percent-encoded (UTF-8), so a browser cannot strip or
# rewrite it (tabs, newlines, a backslash read as "/") into `//host`.
_SAFE_IN_PATH = "!$&'()*+,;=:@/"
_SAFE_IN_QUERY = _SAFE_IN_PATH + "?"
_ESCAPE_KEPT = re.compile(r"%25(?=[0-9A-Fa-f]{2})")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")


@dataclass(frozen=True)
class Redirect:
    status: int
    location: str
    cache_control: str
    vary: str = ""


def _encode(text: str, safe: str) -> str:
    # Lone surrogates as U+FFFD, as a UTF-8 decoder reads them (and as the function does).
    well_formed = _LONE_SURROGATE.sub("\ufffd", text)
    return _ESCAPE_KEPT.sub("%", quote(well_formed, safe=safe))


def site_path(path: str) -> str:
    """A Location on this site whatever the request held: one "/", then never "/" or "\\"."""
    return "/" + _encode(path, _SAFE_IN_PATH).lstrip("/")


def _site_query(query: str) -> str:
    return f"?{_encode(query, _SAFE_IN_QUERY)}" if query else ""


def wire_path(environ: dict[str, Any]) -> str:
    """The request's path as CloudFront hands it to the function: percent-encoded.

    Werkzeug's server keeps the request line's target (REQUEST_URI): its path is used as
    sent. Otherwise (a test client) PATH_INFO, which WSGI decodes and holds as Latin-1
    bytes, is encoded again, byte for byte, the way a browser sends it.
    """
    target = environ.get("REQUEST_URI", "").partition("?")[0].partition("#")[0]
    if target.startswith("/"):
        return quote(target.encode("latin-1", "replace"), safe=_SAFE_IN_PATH + "%")
    raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return quote(raw.encode("latin-1", "replace"), safe=_SAFE_IN_PATH) or "/"


def wire_query(environ: dict[str, Any]) -> str:
    """The query string as the viewer sent it, its stray bytes percent-encoded."""
    raw: str = environ.get("QUERY_STRING", "")
    return quote(raw.encode("latin-1", "replace"), safe=_SAFE_IN_QUERY + "%")


def preferred_language(accept_language: str) -> str:
    """French unless the visitor ranks English strictly higher (q-values, RFC 9110)."""
    best = {"fr": 0.0, "en": 0.0}
    for part in accept_language.split(","):
        tag, *parameters = part.split(";")
        language = tag.strip(" \t").lower().split("-")[0]
        if language not in best:
            continue
        quality = 1.0
        for parameter in parameters:
            text = parameter.strip(" \t")
            if text.startswith("q="):
                # qvalue = 0[.ddd] / 1[.000]; anything else ranks the language last.
                value = text[2:]
                quality = float(value) if _QVALUE.fullmatch(value) else 0.0
        best[language] = max(best[language], quality)
    return "en" if best["en"] > best["fr"] else "fr"


def viewer_request(
    path: str, query: str, accept_language: str, short_links: dict[str, str]
) -> Redirect | str:
    """A redirect, or the object path to fetch from the site (still percent-encoded)."""
    suffix = _site_query(query)
    if path in ("/", "/index.html"):
        location = site_path(f"/{preferred_language(accept_language)}/") + suffix
        return Redirect(302, location, "private, no-cache", "Accept-Language")
    target = short_links.get(path.rstrip("/").lower())
    if target is not None:
        # Kept on redirects so a press release's utm_* parameters reach the page.
        return Redirect(301, site_path(target) + suffix, "public, max-age=86400")
    if path.endswith("/"):
        return path + "index.html"
    if "." not in path.rsplit("/", 1)[-1]:
        return Redirect(301, site_path(f"{path}/") + suffix, "public, max-age=86400")
    return path


def error_page(template: dict[str, Any]) -> str:
    """The page CloudFront answers a 404 with, as the template configures it."""
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") != "AWS::CloudFront::Distribution":
            continue
        config = resource["Properties"]["DistributionConfig"]
        for response in config.get("CustomErrorResponses", []):
            if response.get("ErrorCode") == 404 and "ResponsePagePath" in response:
                return str(response["ResponsePagePath"])
    return DEFAULT_ERROR_PAGE
