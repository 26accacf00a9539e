"""The site's one stylesheet (sitebuild/stylesheet.py), on the real build.

Every page, with everything it must load before it can render, fits the first TCP round
trip (14 KB gzip); every page links the one purged, fingerprinted stylesheet; and the purge
kept a rule for every class and attribute that the built pages, the forms API's templates
and the scripts use (read here by other means than PurgeCSS's: see stylesheets.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sitebuild.stylesheet import (
    STABLE_NAME,
    Sources,
    fingerprinted_name,
    purge,
    site_sources,
    unpurged_css,
)
from sitetests import BuiltSite
from stylesheets import (
    BUDGET,
    MATERIAL_STYLESHEETS,
    Names,
    address_of,
    helper_module,
    lost,
    markup_names,
    render_blocking,
    render_path,
    script_names,
    template_names,
)

pytestmark = pytest.mark.slow


def material() -> Path:
    (path,) = MATERIAL_STYLESHEETS.glob("main.*.min.css")
    return path


def site_css(site: BuiltSite, lang: str = "fr") -> Path:
    (path,) = (site.root / lang / "assets" / "stylesheets").glob("main.*.min.css")
    return path


def used_names(sources: Sources) -> Names:
    used = Names()
    for page in sources.pages:
        used = used | markup_names(page.read_text(encoding="utf-8"))
    for template in sources.templates:
        used = used | template_names(template.read_text(encoding="utf-8"))
    for script in sources.scripts:
        used = used | script_names(script.read_text(encoding="utf-8"))
    return used


def over_budget(weights: dict[str, int]) -> bool:
    return sum(weights.values()) > BUDGET


def test_every_page_fits_the_first_round_trip(site: BuiltSite) -> None:
    pages = sorted(site.root.rglob("*.html"))
    assert len(pages) > 40, "the build produced almost no pages"
    over = {}
    for page in pages:
        address = address_of(site.root, page)
        weights = render_path(site.root, address, page.read_bytes())
        if over_budget(weights):
            over[address] = f"{sum(weights.values())} B gzip: {weights}"
    assert not over, f"over {BUDGET} B before the first render:\n" + "\n".join(
        f"{address}: {why}" for address, why in over.items()
    )


def test_every_page_links_the_one_purged_fingerprinted_stylesheet(site: BuiltSite) -> None:
    css = site_css(site).read_bytes()
    name = site_css(site).name
    assert name == fingerprinted_name(css.decode("utf-8")), "the name is not the content's hash"
    for lang in ("fr", "en"):
        assets = site.root / lang / "assets"
        assert (assets / "stylesheets" / name).read_bytes() == css
        assert (assets / STABLE_NAME).read_bytes() == css, "the stable copy differs"
        assert not (assets / "stylesheets" / material().name).exists()
    pages = site.html_pages() + [site.root / lang / "404.html" for lang in ("fr", "en")]
    for page in pages:
        blocking = render_blocking(page.read_text(encoding="utf-8"))
        assert [url.rsplit("/", 1)[-1] for url in blocking] == [name], (page, blocking)
    assert len(css) < material().stat().st_size / 3, "the purge removed little"


def test_the_purge_kept_a_rule_for_everything_the_site_uses(site: BuiltSite) -> None:
    sources = site_sources(site.root)
    used = used_names(sources)
    # The classes only the step script adds are among those checked (the finder works).
    assert {"vnb-stepped", "vnb-step-nav", "vnb-progress", "vnb-field--error"} <= used.classes
    assert {"disabled", "hidden"} <= used.attributes
    missing = lost(used, unpurged_css(material()), site_css(site).read_text(encoding="utf-8"))
    assert not missing.classes, f"classes the site uses lost their rules: {missing.classes}"
    assert not missing.attributes, f"attributes lost their rules: {missing.attributes}"


def test_the_purge_reads_the_scripts_or_their_classes_lose_their_rules(site: BuiltSite) -> None:
    """What the check above guards against: leave a source out (here the scripts, which add
    the step buttons and the progress line) and their classes lose their rules."""
    sources = site_sources(site.root)
    unpurged = unpurged_css(material())
    css, _ = purge(unpurged, Sources(sources.pages, sources.templates, scripts=[]))
    missing = lost(used_names(sources), unpurged, css)
    assert {"vnb-step-nav", "vnb-progress"} <= missing.classes, missing
    assert "disabled" in missing.attributes  # `button.disabled = true` while sending


def answer_pages(data_dir: Path) -> dict[str, str]:
    """Each kind of page the forms API answers with (moto must be running)."""
    events = helper_module("support", "forms_events")
    from content_model import cached_content
    from forms_api.handlers import assessment, registration

    def handler_of(module: Any) -> Any:
        return lambda event: module.lambda_handler(event, events.FakeContext())

    def page(response: dict[str, Any]) -> str:
        assert response["headers"]["Content-Type"].startswith("text/html"), response
        body: str = response["body"]
        return body

    register, assess = handler_of(registration), handler_of(assessment)
    reg = events.valid_registration
    bad = events.as_form(reg(email="x", phone="1", language="en"))
    questions = cached_content(data_dir).questionnaire.questions
    full = {f"answers.{qid}": q.options[1].code for qid, q in questions.items()}
    partial = dict(list(full.items())[3:])
    fields = events.as_form(reg())
    sent = events.check_then_send_form(register, "/registrations", fields)
    result = assess(events.form_event("/assessments", {**full, "language": "en"}))
    return {
        "check": page(
            events.follow(register(events.form_event("/registrations", fields)), register)
        ),
        "registration": page(events.follow(sent, register)),
        "registration errors": page(register(events.form_event("/registrations", bad))),
        "ineligible": page(
            register(events.form_event("/registrations", events.as_form(reg(employees=300))))
        ),
        "assessment result": page(events.follow(result, assess)),
        "assessment errors": page(
            assess(events.form_event("/assessments", {**partial, "language": "fr"}))
        ),
        # The heaviest page: every question's message and a summary line for each (without
        # JavaScript only: the script checks each step before "Next").
        **{
            f"assessment, nothing answered ({lang})": page(
                assess(events.form_event("/assessments", {"language": lang}))
            )
            for lang in ("fr", "en")
        },
    }


def test_the_forms_api_pages_fit_with_the_site_stylesheet_and_keep_their_rules(
    site: BuiltSite, dynamodb: Any, forms_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The answer pages inside the built site's shell, linking its stylesheet.
    from forms_api.settings import get_settings

    monkeypatch.setenv("SITE_SHELL_DIR", str(site.root.parent / "shell"))
    get_settings.cache_clear()
    unpurged = unpurged_css(material())
    purged = site_css(site).read_text(encoding="utf-8")
    over, missing = {}, {}
    for name, html in answer_pages(forms_env).items():
        weights = render_path(site.root, "/api/", html.encode("utf-8"))
        assert len(weights) == 2, f"{name} does not link the site stylesheet: {weights}"
        if over_budget(weights):
            over[name] = weights
        lost_here = lost(markup_names(html), unpurged, purged)
        if lost_here.classes or lost_here.attributes:
            missing[name] = lost_here
    assert not over, f"over {BUDGET} B: {over}"
    assert not missing, f"rules the answer pages need were purged: {missing}"
