"""The site reads as a service, not a manual (docs/decisions/2026-12-01-service-pages.md).

- the home page's first link is the one call to action of the program's phase, and its
  steps start with what that phase asks (waitlist: the callback list);
- the registration page asks for the NEQ only when the form does;
- no Previous / Next pager; every page ends with "Report a problem on this page" and its
  date modified (from Git, else the front matter);
- the FAQ answers merchants' questions in both languages, from the data;
- durations are said as people say them (retention: « 3 ans »).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from content_model import load_content
from sitebuild.__main__ import main as sitebuild_main
from sitebuild.pages import Page, plan_site
from sitebuild.render import TEMPLATES_DIR, Renderer, split_front_matter
from sitebuild.settings import REPO_ROOT, BuildSettings
from sitetests import SITE_URL, BuiltSite, build_copy, copy_content, tags

DATA = REPO_ROOT / "content" / "data"
PHASES = ("waitlist", "open", "closed")
HOME = {"fr": "fr/index.html", "en": "en/index.html"}
REGISTRATION = {"fr": "fr/inscription/index.html", "en": "en/register/index.html"}
FAQ = {"fr": "fr/faq/index.html", "en": "en/faq/index.html"}
STEPS_ID = {"fr": "etapes", "en": "steps"}
# What merchants ask (the issue "The merchant's journey"), as anchors of both FAQ pages.
FAQ_ANCHORS = [
    ("qui-peut-participer", "who-can-take-part"),
    ("cout", "cost"),
    ("ouverture-des-inscriptions", "registration-opening"),
    ("delai-de-rappel", "callback-time"),
    ("duree", "duration"),
    ("lieu", "place"),
    ("employes", "employees"),
    ("plusieurs-magasins", "several-stores"),
    ("franchises", "franchises"),
    ("vente", "selling"),
    ("panier-bleu", "panier-bleu"),
    ("donnees", "data"),
]


def strings(lang: str) -> dict[str, object]:
    site: dict[str, object] = yaml.safe_load(
        (DATA / "i18n" / f"{lang}.yml").read_text(encoding="utf-8")
    )["site"]
    return site


def article(path: Path) -> str:
    """The page's own content: Material's <article>, without the menu, header or footer."""
    match = re.search(r"<article\b.*?</article>", path.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"no <article> in {path}"
    return match.group(0)


def _collapse(text: str) -> str:
    # Not str.split(): it would turn the non-breaking spaces into plain ones.
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def plain(fragment: str) -> str:
    return _collapse(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def markdown_text(source: str) -> str:
    return _collapse(source.replace("**", ""))


@pytest.fixture(scope="module")
def phase_sites(site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The site in each phase: the session build for the content's own phase, copies with
    program.yml's phase changed for the two others."""
    own = yaml.safe_load((DATA / "program.yml").read_text(encoding="utf-8"))["phase"]
    roots = {own: site.root}
    for phase in PHASES:
        if phase == own:
            continue
        tmp = tmp_path_factory.mktemp(f"phase-{phase}")
        content = copy_content(tmp)
        program = content / "data" / "program.yml"
        text = program.read_text(encoding="utf-8")
        program.write_text(text.replace(f"phase: {own}", f"phase: {phase}", 1), encoding="utf-8")
        build_copy(content, tmp / "out")
        roots[phase] = tmp / "out" / "site"
    return roots


# --- The home page and the phase ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("phase", PHASES)
def test_the_first_link_of_the_home_page_is_the_phases_call_to_action(
    phase_sites: dict[str, Path], phase: str, lang: str
) -> None:
    cta = strings(lang)["phase"][phase]  # type: ignore[index]
    target = {"registration": REGISTRATION, "contact": {"fr": "fr/contact/", "en": "en/contact/"}}
    content = article(phase_sites[phase] / HOME[lang])
    first = re.search(r"<a\b([^>]*)>(.*?)</a>", content, re.DOTALL)
    assert first, "no link in the home page's content"
    attrs, text = first.groups()
    assert plain(text) == cta["button"]
    href = re.search(r'href="([^"]+)"', attrs)
    assert href and target[cta["page"]][lang].startswith(lang + "/" + href.group(1))
    assert "md-button--primary" in attrs
    # One prominent call to action, and it comes before the first section.
    assert content.count("md-button--primary") == 1
    assert content.index(first.group(0)) < content.index("<h2")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("phase", PHASES)
def test_the_home_page_steps_start_with_what_the_phase_asks(
    phase_sites: dict[str, Path], phase: str, lang: str
) -> None:
    content = article(phase_sites[phase] / HOME[lang])
    steps = re.search(rf'<h2 id="{STEPS_ID[lang]}">.*?<ol>(.*?)</ol>', content, re.DOTALL)
    assert steps, "no list of steps after the steps heading"
    items = re.findall(r"<li>(.*?)</li>", steps.group(1), re.DOTALL)
    assert len(items) == 4  # registration, digital assessment, coaching, tools
    phase_strings = strings(lang)["phase"]
    assert plain(items[0]) == markdown_text(phase_strings[phase]["step"])  # type: ignore[index]
    for other in PHASES:
        if other != phase:
            assert markdown_text(phase_strings[other]["step"]) not in plain(content)  # type: ignore[index]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("phase", PHASES)
def test_the_registration_page_asks_for_the_neq_only_when_the_form_does(
    phase_sites: dict[str, Path], phase: str, lang: str
) -> None:
    content = article(phase_sites[phase] / REGISTRATION[lang])
    form_asks = 'id="reg-neq"' in content
    assert form_asks == (phase == "open")
    before_form = content.split("<form", 1)[0]
    assert ("NEQ" in plain(before_form)) == form_asks


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_closed_registration_page_says_so_once_and_points_to_contact(
    phase_sites: dict[str, Path], lang: str
) -> None:
    closed = strings(lang)["phase"]["closed"]  # type: ignore[index]
    content = plain(article(phase_sites["closed"] / REGISTRATION[lang]))
    assert content.count(closed["title"]) == 1
    assert closed["button"] in content


# --- Every page: no pager, report a problem, date modified -----------------------------


@pytest.mark.slow
def test_no_documentation_pager_on_any_page(site: BuiltSite) -> None:
    for path in site.html_pages():
        text = path.read_text(encoding="utf-8")
        assert "md-footer__link" not in text, path
        assert 'class="md-footer__inner' not in text, path


def _page_of(site: BuiltSite, path: Path) -> Page:
    lang, *rest = path.relative_to(site.root).parts
    url = "/".join(rest[:-1]) + ("/" if rest[:-1] else "")
    return next(p for p in site.result.plan.pages[lang] if p.url == url)  # type: ignore[index]


def _git_date(source: Path) -> dt.date | None:
    """The last change of a file, asked of Git the plain way (one file at a time)."""
    folder = str(source.parent)
    dirty = subprocess.run(
        ["git", "-C", folder, "status", "--porcelain", "--", source.name],
        capture_output=True,
        text=True,
        check=False,
    )
    if dirty.returncode != 0:
        return None
    if dirty.stdout.strip():
        return dt.date.today()
    log = subprocess.run(
        ["git", "-C", folder, "log", "-1", "--format=%cs", "--", source.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return dt.date.fromisoformat(log) if log else None


def _expected_date(page: Page) -> dt.date | None:
    if page.source is None:
        sources = [TEMPLATES_DIR / str(page.template), DATA / "branches.yml", DATA / "regions.yml"]
    else:
        sources = [page.source]
    dates = [d for d in map(_git_date, sources) if d]
    if dates:
        return max(dates)
    assert page.source is not None
    meta, _ = split_front_matter(page.source.read_text(encoding="utf-8"), page.source)
    value = meta.get("modified") or meta.get("date")
    return value if isinstance(value, dt.date) else None


@pytest.mark.slow
def test_every_page_ends_with_report_a_problem_and_its_date_modified(site: BuiltSite) -> None:
    dated = 0
    for path in site.html_pages():
        page = _page_of(site, path)
        details = strings(page.lang)["page_details"]
        content = article(path)
        block = re.search(r'<div class="vnb-page-details">(.*?)</div>', content, re.DOTALL)
        assert block, f"{path}: no page details"
        assert plain(content.split(block.group(0), 1)[1]) == "", f"{path}: text after the details"
        link = re.search(r'<a href="([^"]+)">([^<]+)</a>', block.group(1))
        assert link and link.group(2) == details["report"]  # type: ignore[index]
        # The program's address is a placeholder: the contact page's section, with this page.
        contact = site.result.plan.find(page.lang, "contact")
        href = urlsplit(html.unescape(link.group(1)))
        assert href.path == site.result.plan.site_path(contact)
        assert parse_qs(href.query) == {"page": [site.result.plan.site_path(page)]}
        assert href.fragment == details["report_anchor"]  # type: ignore[index]
        time = re.search(r'<time datetime="([0-9-]+)">\1</time>', block.group(1))
        expected = _expected_date(page)
        if expected is None:
            assert time is None, path
            continue
        assert time, f"{path}: no date modified"
        assert block.group(1).count(str(details["modified"])) == 1  # type: ignore[index]
        assert time.group(1) == expected.isoformat(), path
        dated += 1
    # A Git checkout (CI's clean clone, a developer's tree) dates every page.
    assert dated == len(site.html_pages())


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_link_lands_on_the_contact_pages_section(site: BuiltSite, lang: str) -> None:
    contact = site.result.plan.find(lang, "contact")
    page = site.root / lang / contact.url / "index.html"
    anchor = strings(lang)["page_details"]["report_anchor"]  # type: ignore[index]
    assert tags(page).find("h2", id=anchor)


@pytest.mark.slow
def test_outside_git_the_date_comes_from_the_front_matter(tmp_path: Path) -> None:
    # Given a copy of the content outside any Git checkout, one page dated in its header
    content = copy_content(tmp_path)
    faq = content / "fr" / "faq.md"
    faq.write_text(faq.read_text("utf-8").replace("---\n", "---\nmodified: 2026-01-02\n", 1))
    assert subprocess.run(["git", "-C", str(content), "rev-parse"], check=False).returncode != 0

    build_copy(content, tmp_path / "out")

    def date_of(page: str) -> str | None:
        text = (tmp_path / "out" / "site" / page / "index.html").read_text("utf-8")
        found = re.search(r'<time datetime="([0-9-]+)"', text)
        return found.group(1) if found else None

    assert date_of("fr/faq") == "2026-01-02"
    assert date_of("fr/nouvelles/2021-04-06-lancement-du-programme") == "2021-04-06"
    assert (
        date_of("fr/contact") is None
    )  # no history, no header date: no date rather than a wrong one


@pytest.mark.slow
def test_once_the_programs_address_is_known_the_report_link_is_an_email(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    program = content / "data" / "program.yml"
    text = program.read_text("utf-8")
    program.write_text(
        text.replace("contact:\n  email: À CONFIRMER", "contact:\n  email: info@example.ca")
    )

    build_copy(content, tmp_path / "out")

    page = (tmp_path / "out" / "site" / "fr" / "faq" / "index.html").read_text("utf-8")
    block = re.search(r'<div class="vnb-page-details">.*?<a href="([^"]+)"', page, re.DOTALL)
    assert block
    href = urlsplit(html.unescape(block.group(1)))
    assert (href.scheme, href.path) == ("mailto", "info@example.ca")
    fields = parse_qs(href.query)
    assert fields["subject"] == [strings("fr")["page_details"]["report_subject"]]  # type: ignore[index]
    assert f"{SITE_URL}fr/faq/" in fields["body"][0]


# --- The FAQ -------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_faq_answers_the_same_questions_in_both_languages(site: BuiltSite) -> None:
    ids = {lang: re.findall(r'<h2 id="([^"]+)"', article(site.root / FAQ[lang])) for lang in FAQ}
    assert list(zip(ids["fr"], ids["en"], strict=True)) == FAQ_ANCHORS


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "anchor"), [("fr", "donnees"), ("en", "data")])
def test_the_faq_says_where_the_forms_store_data_as_the_stack_is_deployed(
    site: BuiltSite, lang: str, anchor: str
) -> None:
    config = tomllib.loads((REPO_ROOT / "infra" / "samconfig.toml").read_text("utf-8"))
    regions = {
        env["global"]["parameters"]["region"] for env in config.values() if isinstance(env, dict)
    }
    assert len(regions) == 1, "every environment deploys to one region"
    content = article(site.root / FAQ[lang])
    section = content.split(f'<h2 id="{anchor}">', 1)[1].split("<h2", 1)[0]
    assert f"<code>{regions.pop()}</code>" in section
    years = (
        yaml.safe_load((DATA / "program.yml").read_text("utf-8"))["privacy"]["retention_days"]
        // 365
    )
    assert f"{years}\u00a0{'ans' if lang == 'fr' else 'years'}" in plain(section)


def test_the_content_check_lists_the_faqs_unknown_facts(capsys: pytest.CaptureFixture[str]) -> None:
    program = yaml.safe_load((DATA / "program.yml").read_text("utf-8"))
    sitebuild_main(["check"])
    out = capsys.readouterr().out

    def placeholders(node: object, prefix: str) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from placeholders(value, f"{prefix}.{key}")
        elif node == "À CONFIRMER":
            yield prefix

    unknown = list(placeholders(program["faq"], "faq"))
    assert unknown, "every FAQ fact is confirmed: nothing to list"
    for field in unknown:
        assert f"À CONFIRMER / TO CONFIRM: {field}\n" in out


# --- Durations -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderers() -> dict[str, Renderer]:
    data = load_content(DATA)
    plan = plan_site(data, BuildSettings())
    return {lang: Renderer(data, plan, lang) for lang in ("fr", "en")}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("days", "fr", "en"),
    [
        (1095, "3\u00a0ans", "3\u00a0years"),
        (730, "2\u00a0ans", "2\u00a0years"),
        (365, "1\u00a0an", "1\u00a0year"),
        (100, "100\u00a0jours", "100\u00a0days"),
        (1, "1\u00a0jour", "1\u00a0day"),
    ],
)
def test_a_period_is_said_in_years_when_it_is_whole_years(
    renderers: dict[str, Renderer], days: int, fr: str, en: str
) -> None:
    assert renderers["fr"].period(days) == fr
    assert renderers["en"].period(days) == en


def test_an_unknown_quantity_shows_as_to_be_confirmed_and_is_counted(
    renderers: dict[str, Renderer],
) -> None:
    before = len(renderers["fr"].placeholders)
    assert renderers["fr"].quantity("À CONFIRMER", "week") == "À confirmer"
    assert renderers["en"].quantity(12, "week") == "12\u00a0weeks"
    assert renderers["fr"].quantity(1, "business_day") == "1\u00a0jour ouvrable"
    assert len(renderers["fr"].placeholders) == before + 1
