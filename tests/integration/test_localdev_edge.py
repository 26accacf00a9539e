"""The local mode answers as CloudFront does: `localdev.edge` against the template's own
viewer-request function, run in Node on the same requests."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
import yaml
from localdev import edge
from localdev.standin import REPOSITORY
from stack.template import load_template

NODE = shutil.which("node")

# Evaluates the function's code as CloudFront Functions would and calls its handler.
HARNESS = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const handler = new Function(input.code + "\\nreturn handler;")();
process.stdout.write(JSON.stringify(input.events.map((event) => handler(event))));
"""

CASES = [
    ("/", "", ""),
    ("/", "en-CA,en;q=0.9,fr-CA;q=0.8", "utm_source=radio"),
    ("/", "fr-CA,fr;q=0.9,en;q=0.8", ""),
    ("/", "en;q=0.5, fr;q=0.5", ""),
    ("/", "de-DE,en;q=0.5", ""),
    ("/", "en;q=abc", ""),
    ("/index.html", "en", ""),
    ("/inscription", "", "utm_source=communique"),
    ("/inscription/", "", ""),
    ("/Register", "", ""),
    ("/fr/inscription", "", "a=1"),
    ("/fr/inscription/", "", ""),
    ("/en/", "", ""),
    ("/fr/assets/stylesheets/main.css", "", ""),
    ("/sitemap.xml", "", ""),
    ("/nulle-part", "", ""),
]


def _cloudfront(cases: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    code = load_template()["Resources"]["EdgeRequestFunction"]["Properties"]["FunctionCode"]
    events = []
    for uri, accept_language, query in cases:
        headers = {"accept-language": {"value": accept_language}} if accept_language else {}
        querystring = {}
        for pair in filter(None, query.split("&")):
            name, _, value = pair.partition("=")
            querystring[name] = {"value": value}
        request = {"method": "GET", "uri": uri, "querystring": querystring, "headers": headers}
        events.append({"version": "1.0", "request": request})
    assert NODE is not None
    done = subprocess.run(
        [NODE, "-e", HARNESS],
        input=json.dumps({"code": code, "events": events}),
        capture_output=True,
        text=True,
        check=True,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


@pytest.mark.skipif(NODE is None, reason="node runs the CloudFront Function")
def test_local_answers_are_the_cloudfront_function_answers() -> None:
    links_file = REPOSITORY / "content" / "data" / "shortlinks.yml"
    links = {link["path"]: link["to"] for link in yaml.safe_load(links_file.read_text())}

    for case, answer in zip(CASES, _cloudfront(CASES), strict=True):
        local = edge.viewer_request(case[0], case[2], case[1], links)
        if "statusCode" in answer:
            expected: Any = (answer["statusCode"], answer["headers"]["location"]["value"])
            assert isinstance(local, edge.Redirect), case
            assert (local.status, local.location) == expected, case
            assert local.cache_control == answer["headers"]["cache-control"]["value"], case
        else:
            assert local == answer["uri"], case


def test_the_error_page_is_the_distribution_s() -> None:
    assert edge.error_page(load_template()) == "/fr/404.html"
    assert edge.error_page({"Resources": {}}) == edge.DEFAULT_ERROR_PAGE
