"""The deployed CloudFront Function (infra/edge/viewer-request.js rendered with the short links
of content/data/shortlinks.yml), run in Node on viewer-request events, and the local mode's
Python copy (functions/localdev/edge.py) on the same requests: the `/` language choice, the
short links, index.html appending, and no Location that leaves the site, whatever the path."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from edge_harness import EdgeFunction, event
from hypothesis import given, settings
from hypothesis import strategies as st
from infra_template import INFRA, REPO, SOURCE_TEMPLATE, infra_module, template
from localdev.edge import Redirect, viewer_request

SHORTLINKS = REPO / "content" / "data" / "shortlinks.yml"
SITE_HOST = "site.example"

edge_function = infra_module("edge_function")


def deployed_code() -> str:
    code: str = template()["Resources"]["EdgeRequestFunction"]["Properties"]["FunctionCode"]
    return code


def links() -> dict[str, str]:
    found: dict[str, str] = edge_function.short_links(SHORTLINKS)
    return found


@pytest.fixture(scope="module")
def edge() -> Iterator[EdgeFunction]:
    with EdgeFunction(deployed_code()) as running:
        yield running


def location(result: dict[str, Any]) -> str:
    value: str = result["headers"]["location"]["value"]
    return value


# ---------------------------------------------------------------- one source for short links


def test_the_deployed_code_is_the_source_file_with_the_data_file_s_short_links() -> None:
    source = edge_function.FUNCTION_SOURCE.read_text(encoding="utf-8")
    assert "var SHORT_LINKS = {};" in source  # the table is not kept by hand…
    assert not any(path in source for path in links())
    assert deployed_code() == edge_function.function_code()  # …it is rendered from the data
    for path, target in links().items():
        assert f'"{path}": "{target}"' in deployed_code()


def test_the_source_template_cannot_be_deployed_without_its_code() -> None:
    # Deployed as it is, CloudFormation refuses the Ref to nothing (nothing half-rendered).
    source = SOURCE_TEMPLATE.read_text(encoding="utf-8")
    assert "FunctionCode: !Ref EdgeFunctionCodeNotRendered" in source
    assert "EdgeFunctionCodeNotRendered:" not in source


def test_a_short_link_added_to_the_data_file_reaches_the_function(tmp_path: Path) -> None:
    data = tmp_path / "shortlinks.yml"
    data.write_text(
        SHORTLINKS.read_text(encoding="utf-8") + "- {path: /fr/ancienne-page, to: /fr/faq/}\n",
        encoding="utf-8",
    )
    code = edge_function.function_code(shortlinks=data)
    with EdgeFunction(code) as running:
        (result,) = running.run(event("/fr/ancienne-page", query="utm_source=x"))
    assert (result["statusCode"], location(result)) == (301, "/fr/faq/?utm_source=x")


def test_the_rendered_template_holds_the_code_and_finds_the_lambda_bundle(tmp_path: Path) -> None:
    out = edge_function.render(tmp_path / "deploy")
    from stack.template import load_template

    rendered = load_template(out)
    code = rendered["Resources"]["EdgeRequestFunction"]["Properties"]["FunctionCode"]
    assert code == edge_function.function_code()
    # `sam build` reads CodeUri from the rendered template's folder: the same bundle.
    code_uri = rendered["Globals"]["Function"]["CodeUri"]
    source_uri = yaml.safe_load(re.search(r"^ *CodeUri: .*$", SOURCE_TEMPLATE.read_text(), re.M)[0])
    assert (out.parent / code_uri).resolve() == (INFRA / source_uri["CodeUri"]).resolve()
    assert (out.parent / "samconfig.toml").read_text() == (INFRA / "samconfig.toml").read_text()


def test_the_function_fits_cloudfront_functions_10_kb_limit(tmp_path: Path) -> None:
    assert len(deployed_code().encode("utf-8")) <= edge_function.MAX_CODE_BYTES
    many = tmp_path / "shortlinks.yml"
    many.write_text(
        "".join(f"- {{path: /adresse-{i}, to: /fr/faq/}}\n" for i in range(400)), encoding="utf-8"
    )
    with pytest.raises(edge_function.RenderError, match="over CloudFront Functions"):
        edge_function.function_code(shortlinks=many)


@pytest.mark.parametrize(
    "entry",
    [
        "{path: /x, to: //evil.example/}",
        "{path: /x, to: 'https://evil.example/'}",
        "{path: /x, to: /fr/faq}",
        "{path: '//x', to: /fr/faq/}",
        "{path: /__proto__, to: /fr/faq/}",
        "{path: /x}",
    ],
)
def test_rendering_refuses_a_short_link_that_is_not_a_site_page(tmp_path: Path, entry: str) -> None:
    data = tmp_path / "shortlinks.yml"
    data.write_text(f"- {entry}\n", encoding="utf-8")
    with pytest.raises(edge_function.RenderError, match=r"\[0\]"):
        edge_function.function_code(shortlinks=data)


def test_rendering_refuses_a_short_link_declared_twice(tmp_path: Path) -> None:
    data = tmp_path / "shortlinks.yml"
    data.write_text("- {path: /x, to: /fr/faq/}\n- {path: /x, to: /en/faq/}\n", encoding="utf-8")
    with pytest.raises(edge_function.RenderError, match="declared twice"):
        edge_function.function_code(shortlinks=data)


# ---------------------------------------------------------------- what the function does


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
        ("en;q=abc,fr;q=0.1", "/fr/"),  # an unreadable q-value ranks last
        ("*", "/fr/"),
    ],
)
def test_root_sends_visitors_to_their_language(
    edge: EdgeFunction, accept_language: str | None, expected: str
) -> None:
    (result,) = edge.run(event("/", accept_language))
    assert result["statusCode"] == 302
    assert location(result) == expected
    assert result["headers"]["vary"]["value"] == "Accept-Language"


def test_every_short_link_redirects_permanently_and_keeps_campaign_parameters(
    edge: EdgeFunction,
) -> None:
    results = edge.run(*(event(path, query="utm_source=communique") for path in links()))
    for (path, target), result in zip(links().items(), results, strict=True):
        assert result["statusCode"] == 301, path
        assert location(result) == target + "?utm_source=communique"


def test_short_links_tolerate_a_trailing_slash_and_capitals(edge: EdgeFunction) -> None:
    path, target = next(iter(links().items()))
    results = edge.run(event(path + "/"), event(path.upper()))
    assert [location(r) for r in results] == [target, target]


def test_names_of_javascript_object_properties_are_not_short_links(edge: EdgeFunction) -> None:
    names = ["/constructor", "/__proto__", "/toString", "/hasOwnProperty", "/valueOf"]
    results = edge.run(*(event(name) for name in names))
    assert [location(r) for r in results] == [name + "/" for name in names]


def test_folder_addresses_get_their_index_page(edge: EdgeFunction) -> None:
    results = edge.run(event("/fr/inscription/"), event("/en/branches/montreal/"))
    assert [r["uri"] for r in results] == [
        "/fr/inscription/index.html",
        "/en/branches/montreal/index.html",
    ]


def test_a_folder_address_without_its_slash_is_redirected_to_it(edge: EdgeFunction) -> None:
    (result,) = edge.run(event("/fr/faq", query="a=1"))
    assert (result["statusCode"], location(result)) == (301, "/fr/faq/?a=1")


def test_files_pass_unchanged(edge: EdgeFunction) -> None:
    results = edge.run(event("/fr/assets/vnb.css"), event("/404.html"), event("/en/sitemap.xml"))
    assert [r["uri"] for r in results] == ["/fr/assets/vnb.css", "/404.html", "/en/sitemap.xml"]
    assert all("statusCode" not in r for r in results)


# ---------------------------------------------------------------- no open redirect

# Addresses that today's browsers would follow to another host if the Location repeated
# them: `//host` is scheme-relative, "\" is read as "/", tabs and newlines are dropped.
LEAVING = [
    "//evil.example/x",
    "///evil.example/x",
    "////evil.example/x",
    "/\\evil.example/x",
    "/\\\\evil.example/x",
    "\\\\evil.example/x",
    "/\\/evil.example/x",
    "/%09/evil.example/x",  # as CloudFront passes it: still encoded
    "/\t/evil.example/x",  # as the local mode saw it: Werkzeug had decoded the %09
    "/\n/evil.example/x",
    "/\r\n/evil.example/x",
    "/ /evil.example/x",
    "/\x00/evil.example/x",
    "/%5C/evil.example/x",
    "/%2F/evil.example/x",
    "//evil.example/%2e%2e",
    "/\t\\\t\\evil.example/x",
    "//user@evil.example:443/x",
]


def is_site_location(value: str, browser: dict[str, Any]) -> bool:
    """One "/", never a second "/" or "\\", only printable ASCII, and the host kept when a
    browser (WHATWG URL) and Python's urljoin resolve it against the site."""
    return (
        re.fullmatch(r"/(?![/\\])[!-~]*", value) is not None
        and browser["host"] == SITE_HOST
        and urlsplit(urljoin(f"https://{SITE_HOST}/x/", value)).netloc == SITE_HOST
    )


@pytest.mark.parametrize("uri", LEAVING, ids=repr)
@pytest.mark.parametrize("query", ["", "utm_source=communique"])
def test_no_redirect_leaves_the_site(edge: EdgeFunction, uri: str, query: str) -> None:
    (result,) = edge.run(event(uri, query=query))
    local = viewer_request(uri, query, "", links())
    assert isinstance(local, Redirect)
    at_edge = location(result)
    browser_edge, browser_local = edge.resolve(at_edge, local.location)
    assert is_site_location(at_edge, browser_edge), (at_edge, browser_edge)
    assert is_site_location(local.location, browser_local), (local.location, browser_local)
    assert at_edge == local.location


def test_a_redirect_keeps_the_path_of_the_site_it_was_asked(edge: EdgeFunction) -> None:
    (result,) = edge.run(event("//evil.example/x"))
    assert location(result) == "/evil.example/x/"  # a page of this site (a 404), not a host
    (result,) = edge.run(event("/fr/caf\u00e9 cr\u00e8me"))
    assert location(result) == "/fr/caf%C3%A9%20cr%C3%A8me/"


# ---------------------------------------------------------------- the two implementations

INTERESTING = [
    "/", "//", "\\", "/\\", "%", "%2F", "%5C", "%09", "%0a", "%0D%0A", "%00", "%zz", "%e9",
    "\t", "\n", "\r", " ", "\x00", "\x7f", "\x1b", ".", "..", "?", "#", "@", ":", "=", "&",
    "evil.example", "index.html", "fr", "en", "inscription", "Register", "-", "~", "+",
    "\u00e9", "\u20ac", "\U0001f600", "\ud800", "\udc00", "\u2028", "\u3000", "\ufeff",
    "\u212a", "\u0130",
]  # fmt: skip
paths = st.lists(st.one_of(st.sampled_from(INTERESTING), st.text(max_size=4)), max_size=10).map(
    "".join
)
uris = st.one_of(
    st.sampled_from(["", "/", "//", "/\\", "\\"]).flatmap(lambda start: paths.map(start.__add__)),
    st.sampled_from([*links(), "/index.html", "/fr/faq", "/fr/"]).flatmap(
        lambda start: paths.map(start.__add__)
    ),
)
# A query's names and values never hold "&" or "=" (they would be other parameters).
query_text = st.lists(st.one_of(st.sampled_from(INTERESTING), st.text(max_size=3)), max_size=4).map(
    lambda parts: "".join(parts).replace("&", "").replace("=", "")
)
queries = st.lists(
    st.tuples(st.sampled_from(["utm_source", "utm_campaign", "a", "q"]), query_text),
    max_size=3,
    unique_by=lambda pair: pair[0],
).map(lambda pairs: "&".join(f"{n}={v}" if v else n for n, v in pairs))
languages = st.one_of(
    st.sampled_from(["", "fr-CA,fr;q=0.9,en;q=0.8", "en-CA,en;q=0.9", "en;q=0.5,fr;q=0.5"]),
    st.text(alphabet=" \t,;=qQ.0123456789-enfrENFR*x", max_size=30),
)


@settings(max_examples=400, deadline=None)
@given(uri=uris, query=queries, accept_language=languages)
def test_the_edge_and_the_local_mode_answer_alike_and_never_leave_the_site(
    edge: EdgeFunction, uri: str, query: str, accept_language: str
) -> None:
    # The strings JavaScript receives: JSON joins a high and a low surrogate into one
    # character, which Python keeps as two.
    uri, query, accept_language = json.loads(json.dumps([uri, query, accept_language]))
    (result,) = edge.run(event(uri, accept_language, query))
    assert "error" not in result, result  # a function that throws is a 503 for the visitor
    local = viewer_request(uri, query, accept_language, links())
    if isinstance(local, Redirect):
        headers = result["headers"]
        assert (result["statusCode"], location(result)) == (local.status, local.location)
        assert headers["cache-control"]["value"] == local.cache_control
        assert headers.get("vary", {}).get("value", "") == local.vary
        (browser,) = edge.resolve(local.location)
        assert is_site_location(local.location, browser), (local.location, browser)
    else:
        assert "statusCode" not in result
        assert result["uri"] == local
