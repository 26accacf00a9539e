"""What CloudFront does in front of the site, done in Python for the local mode.

The same rules as the template's `EdgeRequestFunction` (viewer request) and its
404 error page: `/` goes to the visitor's language, the short links answer 301,
a folder address gets its slash and its `index.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_ERROR_PAGE = "/fr/404.html"


@dataclass(frozen=True)
class Redirect:
    status: int
    location: str
    cache_control: str
    vary: str = ""


def preferred_language(accept_language: str) -> str:
    """French unless the visitor ranks English strictly higher (q-values, RFC 9110)."""
    best = {"fr": 0.0, "en": 0.0}
    for part in accept_language.split(","):
        tag, *parameters = part.split(";")
        language = tag.strip().lower().split("-")[0]
        if language not in best:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best[language] = max(best[language], quality if quality >= 0 else 0.0)
    return "en" if best["en"] > best["fr"] else "fr"


def viewer_request(
    path: str, query: str, accept_language: str, short_links: dict[str, str]
) -> Redirect | str:
    """A redirect, or the object path to fetch from the site."""
    suffix = f"?{query}" if query else ""
    if path in ("/", "/index.html"):
        location = f"/{preferred_language(accept_language)}/{suffix}"
        return Redirect(302, location, "private, no-cache", "Accept-Language")
    target = short_links.get(path.rstrip("/").lower())
    if target is not None:
        # Kept on redirects so a press release's utm_* parameters reach the page.
        return Redirect(301, target + suffix, "public, max-age=86400")
    if path.endswith("/"):
        return path + "index.html"
    if "." not in path.rsplit("/", 1)[-1]:
        return Redirect(301, f"{path}/{suffix}", "public, max-age=86400")
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
