"""The CloudFront Function of the template, run in Node on viewer-request events: the `/`
language choice, the short links of content/data/shortlinks.yml, index.html appending."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from infra_template import REPO, template

NODE = shutil.which("node")
HARNESS = Path(__file__).with_name("run_edge_function.js")
SHORTLINKS = REPO / "content" / "data" / "shortlinks.yml"


def function_code() -> str:
    code: str = template()["Resources"]["EdgeRequestFunction"]["Properties"]["FunctionCode"]
    return code


def event(uri: str, accept_language: str | None = None, query: str = "") -> dict[str, Any]:
    """A viewer-request event as CloudFront Functions (2.0) passes it."""
    headers = {"host": {"value": "viragenumeriquebleu.example"}}
    if accept_language is not None:
        headers["accept-language"] = {"value": accept_language}
    querystring: dict[str, Any] = {}
    for pair in filter(None, query.split("&")):
        name, _, value = pair.partition("=")
        querystring[name] = {"value": value}
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "192.0.2.1"},
        "request": {"method": "GET", "uri": uri, "querystring": querystring, "headers": headers},
    }


def run(*events: dict[str, Any]) -> list[dict[str, Any]]:
    if NODE is None:
        pytest.fail("node is needed to run the CloudFront Function (tests/package.json needs it)")
    payload = json.dumps({"code": function_code(), "events": list(events)})
    done = subprocess.run(
        [NODE, str(HARNESS)], input=payload, capture_output=True, text=True, check=True
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def location(result: dict[str, Any]) -> str:
    value: str = result["headers"]["location"]["value"]
    return value


def test_short_links_in_the_function_are_exactly_the_data_file() -> None:
    match = re.search(r"var SHORT_LINKS = (\{.*?\});", function_code(), re.DOTALL)
    assert match, "SHORT_LINKS not found in EdgeRequestFunction's code"
    in_function = json.loads(match.group(1))
    in_data = {link["path"]: link["to"] for link in yaml.safe_load(SHORTLINKS.read_text())}
    assert in_function == in_data, (
        "EdgeRequestFunction's SHORT_LINKS differ from content/data/shortlinks.yml: "
        "copy the file's entries into the template"
    )


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "/fr/"),
        ("", "/fr/"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "/fr/"),
        ("en-CA,en;q=0.9,fr-CA;q=0.8", "/en/"),
        ("en-US,en;q=0.9", "/en/"),
        ("de-DE,de;q=0.9", "/fr/"),
        ("de-DE,en;q=0.5", "/en/"),
        ("en;q=0.5,fr;q=0.5", "/fr/"),  # a tie goes to French, the program's language
        ("fr;q=0.2,en;q=0.8", "/en/"),
        ("*", "/fr/"),
    ],
)
def test_root_sends_visitors_to_their_language(accept_language: str | None, expected: str) -> None:
    (result,) = run(event("/", accept_language))
    assert result["statusCode"] == 302
    assert location(result) == expected
    assert result["headers"]["vary"]["value"] == "Accept-Language"


def test_every_short_link_redirects_permanently_and_keeps_campaign_parameters() -> None:
    links = yaml.safe_load(SHORTLINKS.read_text())
    results = run(*(event(link["path"], query="utm_source=communique") for link in links))
    for link, result in zip(links, results, strict=True):
        assert result["statusCode"] == 301, link
        assert location(result) == link["to"] + "?utm_source=communique"


def test_short_links_tolerate_a_trailing_slash_and_capitals() -> None:
    first = yaml.safe_load(SHORTLINKS.read_text())[0]
    results = run(event(first["path"] + "/"), event(first["path"].upper()))
    assert [location(r) for r in results] == [first["to"], first["to"]]


def test_folder_addresses_get_their_index_page() -> None:
    results = run(event("/fr/inscription/"), event("/en/branches/montreal/"))
    assert [r["uri"] for r in results] == [
        "/fr/inscription/index.html",
        "/en/branches/montreal/index.html",
    ]


def test_a_folder_address_without_its_slash_is_redirected_to_it() -> None:
    (result,) = run(event("/fr/faq", query="a=1"))
    assert (result["statusCode"], location(result)) == (301, "/fr/faq/?a=1")


def test_files_pass_unchanged() -> None:
    results = run(event("/fr/assets/vnb.css"), event("/fr/404.html"), event("/en/sitemap.xml"))
    assert [r["uri"] for r in results] == ["/fr/assets/vnb.css", "/fr/404.html", "/en/sitemap.xml"]
    assert all("statusCode" not in r for r in results)


def test_the_edge_and_the_local_mode_answer_alike() -> None:
    # The local mode (functions/localdev/edge.py) promises CloudFront's behaviour offline.
    from localdev.edge import Redirect, viewer_request

    links = {link["path"]: link["to"] for link in yaml.safe_load(SHORTLINKS.read_text())}
    uris = ["/", "/index.html", "/inscription", "/Register/", "/fr/faq", "/fr/faq/"]
    uris += ["/en/404.html", "/fr/assets/vnb.css", "/nowhere"]
    cases = [
        (uri, query, language)
        for uri in uris
        for query in ("", "utm_source=x&utm_campaign=y")
        for language in ("", "en-CA,en;q=0.9,fr;q=0.1", "fr-CA", "en;q=0.4,fr;q=0.4")
    ]
    edge = run(*(event(uri, language, query) for uri, query, language in cases))
    for (uri, query, language), result in zip(cases, edge, strict=True):
        local = viewer_request(uri, query, language, links)
        if isinstance(local, Redirect):
            headers = result["headers"]
            assert (result["statusCode"], location(result)) == (local.status, local.location)
            assert headers["cache-control"]["value"] == local.cache_control
            assert headers.get("vary", {}).get("value", "") == local.vary
        else:
            assert result["uri"] == local, (uri, query, language)
