"""The site's one 404 page, `/404.html` (sitebuild.notfound): both languages with their links
and search forms, the data its script suggests from, and that script's choice of the
nearest published page, run in Node on the real build's data."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from content_model import LANGUAGES
from sitebuild.build import build
from sitebuild.settings import REPO_ROOT, BuildSettings
from sitetests import BuiltSite, Tags

pytestmark = pytest.mark.slow  # builds the site (shared session build)

SCRIPT = REPO_ROOT / "site" / "assets" / "vnb-404.js"
NODE = shutil.which("node")
DATA = re.compile(r'<script type="application/json" id="vnb-404-data">(.*?)</script>', re.S)


def page_of(site_root: Path) -> str:
    return (site_root / "404.html").read_text(encoding="utf-8")


def data_of(html: str) -> dict[str, Any]:
    found = DATA.search(html)
    assert found, "the page carries its addresses for vnb-404.js"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def served(site_root: Path, href: str) -> bool:
    """Whether the site answers this root-relative address with a file (index.html added)."""
    path = href.split("?")[0].lstrip("/")
    target = site_root / path
    return (target / "index.html").is_file() if href.endswith("/") else target.is_file()


def test_one_page_in_both_languages_french_first(site: BuiltSite) -> None:
    html = page_of(site.root)
    tags = Tags(html)
    assert tags.find("html")[0]["lang"] == "fr-CA"
    assert tags.find("meta", name="robots")[0]["content"] == "noindex"
    sections = [attrs for name, attrs in tags.tags if name == "section"]
    assert [(s["id"], s["lang"]) for s in sections] == [("fr", "fr-CA"), ("en", "en-CA")]
    assert "Page introuvable" in html and "Page not found" in html


def test_every_link_of_the_page_is_served_from_the_host_root(site: BuiltSite) -> None:
    # The page answers at any depth (/fr/a/b/c): nothing relative.
    tags = Tags(page_of(site.root))
    hrefs = [a["href"] for a in tags.find("a") if not a["href"].startswith("#")]
    hrefs += [link["href"] for link in tags.find("link")]
    hrefs += [script["src"] for script in tags.find("script") if "src" in script]
    assert hrefs and all(href.startswith("/") for href in hrefs), hrefs
    for href in hrefs:
        assert href == "/" or served(site.root, href), href
    plan = site.result.plan
    for lang in LANGUAGES:
        for page_id in ("home", "registration", "branches", "contact"):
            assert plan.site_path(plan.find(lang, page_id)) in hrefs


def test_each_language_searches_its_own_search_page(site: BuiltSite) -> None:
    forms = Tags(page_of(site.root)).find("form")
    assert [(f["action"], f["method"], f["role"]) for f in forms] == [
        ("/fr/recherche/", "get", "search"),
        ("/en/search/", "get", "search"),
    ]
    inputs = Tags(page_of(site.root)).find("input", type="search")
    assert [i["name"] for i in inputs] == ["q", "q"]


def test_its_script_is_inline_so_only_its_stylesheet_comes_before_the_first_paint(
    site: BuiltSite,
) -> None:
    """One round trip for the stylesheet, none for the script (LCP was 1.0 s with the
    script as a file in the head, 0.75 s inline); the CSP lists the inline script's hash
    and nothing else of the page's needs one."""
    spec = importlib.util.spec_from_file_location(
        "csp_hashes", REPO_ROOT / "infra" / "csp_hashes.py"
    )
    assert spec and spec.loader
    csp_hashes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(csp_hashes)
    html = page_of(site.root)
    script = SCRIPT.read_text(encoding="utf-8")
    assert csp_hashes.page_hashes(html) == {
        "script": {csp_hashes.source_hash(script)},
        "style": set(),
    }
    assert csp_hashes.source_hash(script) in csp_hashes.template_csp()
    tags = Tags(html)
    assert not [a for a in tags.find("script") if a.get("src")]
    assert [a["href"] for a in tags.find("link") if a.get("rel") == "stylesheet"] == [
        "/fr/assets/vnb-404.css"
    ]


def test_the_page_lists_every_published_page_with_its_title_and_every_short_link(
    site: BuiltSite,
) -> None:
    data = data_of(page_of(site.root))
    addresses = data["addresses"]
    plan = site.result.plan
    expected = {plan.site_path(p) for lang in LANGUAGES for p in plan.pages[lang]}
    assert {p["path"] for p in addresses["pages"]} == expected
    for page in addresses["pages"]:
        assert page["title"] and page["title"] != page["path"], page
        assert "Virage numérique bleu" not in page["title"] or page["id"].startswith("news"), page
    program = next(p for p in addresses["pages"] if p["path"] == "/fr/programme/")
    assert (program["id"], program["lang"], program["title"]) == ("program", "fr", "Le programme")
    shortlinks = {link["path"]: link["to"] for link in addresses["shortlinks"]}
    assert shortlinks["/inscription"] == "/fr/inscription/"
    assert set(data["titles"]) == {"fr", "en"}


def test_a_site_under_a_base_path_links_under_it(tmp_path: Path) -> None:
    result = build(BuildSettings(site_url="https://vnb.example.ca/apercu/", out_dir=tmp_path))
    tags = Tags(page_of(result.plan.settings.site_dir))
    hrefs = [a["href"] for a in tags.find("a") if not a["href"].startswith("#")]
    assert all(href.startswith("/apercu/") for href in hrefs), hrefs
    assert tags.find("link", rel="stylesheet", href="/apercu/fr/assets/vnb-404.css")
    assert data_of(page_of(result.plan.settings.site_dir))["addresses"]["base"] == "/apercu/"


# ---------------------------------------------------------------- the suggestion, in Node

SUGGEST = """
const vm = require("vm");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const sandbox = {};
vm.createContext(sandbox);
vm.runInContext(input.script, sandbox);
const api = sandbox.vnb404;
process.stdout.write(JSON.stringify(input.paths.map((path) => {
  const page = api.closest(path, input.addresses);
  return {page: page && page.path, first: api.language(path, input.addresses, page)};
})));
"""


def suggestions(addresses: dict[str, Any], paths: list[str]) -> list[dict[str, Any]]:
    if NODE is None:
        pytest.fail("node runs the 404 page's script (make tools)")
    payload = {"script": SCRIPT.read_text(encoding="utf-8"), "addresses": addresses, "paths": paths}
    done = subprocess.run(
        [NODE, "-e", SUGGEST], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


CASES = [
    # (address asked, page suggested, language shown first)
    ("/inscriptions/", "/fr/inscription/", "fr"),  # a short link with an extra letter
    ("/fr/programe/", "/fr/programme/", "fr"),  # a letter missing
    ("/fr/porgramme/", "/fr/programme/", "fr"),  # two letters swapped
    ("/en/programme/", "/en/program/", "en"),  # the French slug under /en/
    ("/fr/program/", "/fr/programme/", "fr"),
    ("/fr/admissibilit%C3%A9/", "/fr/admissibilite/", "fr"),  # an accent typed
    ("/FR/Succursales/", "/fr/succursales/", "fr"),
    ("/fr/succursales/montreall/", "/fr/succursales/montreal/", "fr"),
    ("/fr/inscription./", "/fr/inscription/", "fr"),  # a period glued by an e-mail
    ("/fr/salle%20de%20presse/", "/fr/salle-de-presse/", "fr"),
    ("/fr/faq/index.htm", "/fr/faq/", "fr"),
    ("/registr/", "/en/register/", "en"),  # an English short link: English first
    ("/fr/succursales/montreal/ancienne-page/", "/fr/succursales/montreal/", "fr"),
    ("/en/news/2020-01-01-old-post/", "/en/news/", "en"),  # under a page that exists
    ("/en/nope/", None, "en"),
    ("/fr/subventions/", None, "fr"),
    ("/nulle-part/", None, "fr"),  # an unknown root address: French
    ("/evil.example/x/", None, "fr"),
    ("/" + "a" * 300 + "/", None, "fr"),
]


def test_the_suggestion_is_the_nearest_published_page(site: BuiltSite) -> None:
    addresses = data_of(page_of(site.root))["addresses"]
    paths = [path for path, _, _ in CASES]
    got = [
        (path, s["page"], s["first"])
        for path, s in zip(paths, suggestions(addresses, paths), strict=True)
    ]
    assert got == CASES


def test_the_suggestion_ignores_the_site_s_base_path(site: BuiltSite) -> None:
    addresses = {**data_of(page_of(site.root))["addresses"], "base": "/apercu/"}
    (found,) = suggestions(addresses, ["/apercu/fr/programe/"])
    assert found == {"page": "/fr/programme/", "first": "fr"}
