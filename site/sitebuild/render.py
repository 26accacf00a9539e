"""YAML + Jinja2 → Markdown: writes each language's pages into the staging folder.

Staff Markdown is rendered through Jinja2 too, so a figure (retention period,
funding, phase) is written once in the data and quoted everywhere from there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
import yaml
from content_model import PLACEHOLDER, Content, DataError, Language, formatting
from content_model.reading import safe_load
from forms_api.rendering import STEP_ERRORS, site_form, step_errors
from progress import figures

from .history import all_last_changes, front_matter_date
from .numbers import page_view
from .pages import HREFLANG, Page, SitePlan
from .settings import REPO_ROOT

TEMPLATES_DIR = REPO_ROOT / "site" / "templates"
ASSETS_DIR = REPO_ROOT / "site" / "assets"
NBSP = formatting.NBSP
DAYS_PER_YEAR = 365
# What a generated (branch) page shows besides its template: its "Date modified" follows them.
GENERATED_FROM = ("branches.yml", "regions.yml")


def make_environment(
    templates_dir: Path = TEMPLATES_DIR, *, autoescape: bool = False
) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,  # noqa: S701 (Markdown: see the docstring)
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def environment_key(env: jinja2.Environment) -> str:
    """A short digest of what, besides a template's source, its compiled code depends on."""
    options = (
        jinja2.__version__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        repr(env.autoescape),
        sorted(env.extensions),
    )
    return hashlib.sha256(repr(options).encode("utf-8")).hexdigest()[:12]


# libyaml's emitter when PyYAML carries it: the same YAML (checked on a thousand staged
# pages) five times faster; every page's front matter is written through it.
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(value: object) -> str:
    """`yaml.safe_dump(value, allow_unicode=True, sort_keys=False)`, by libyaml if present."""
    return yaml.dump(value, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)


def split_front_matter(text: str, source: Path) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise DataError(source, "(front matter)", "not closed by a '---' line")
    try:
        meta = safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise DataError(source, "(front matter)", str(exc).replace("\n", " ")) from exc
    if not isinstance(meta, dict):
        raise DataError(source, "(front matter)", "expected a mapping")
    return meta, body


class Renderer:
    """Renders the pages of one language, recording the placeholders it shows."""

    def __init__(
        self,
        data: Content,
        plan: SitePlan,
        lang: Language,
        history: dict[Path, dt.date] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """`history`: `source_history(plan)`, when the caller renders both languages.
        `cache_dir`: where the compiled templates (the pages' Markdown included) are kept
        from one build to the next (Jinja checks each source's checksum)."""
        self.data = data
        self.plan = plan
        self.lang = lang
        self.strings: dict[str, Any] = data.strings[lang].site
        self.placeholders: list[str] = []
        self._current = ""
        self.uses_forms = False
        self.history = source_history(plan) if history is None else history
        self.env = make_environment()
        # The staff pages' Markdown (without its front matter) is a template of this
        # environment too, by its file's path: compiled once, kept by the bytecode cache.
        self._bodies: dict[str, str] = {}
        self.env.loader = jinja2.ChoiceLoader(
            [jinja2.FunctionLoader(self._bodies.get), jinja2.FileSystemLoader(TEMPLATES_DIR)]
        )
        if cache_dir is not None:
            # Jinja checks each template's source, not the environment's options, which
            # shape the compiled code too: they name the folder.
            folder = cache_dir / environment_key(self.env)
            folder.mkdir(parents=True, exist_ok=True)
            self.env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        self.env.filters.update(
            tbc=self.tbc,
            money=self.money,
            number=self.number,
            longdate=self.longdate,
            label=self.label,
            quantity=self.quantity,
            period=self.period,
            # « Le programme en chiffres »: the figures, as the numbers function renders them.
            figures=lambda view: figures.render(view, self.data, self.lang),
        )
        self.env.tests["placeholder"] = lambda value: value == PLACEHOLDER

    # Filters -----------------------------------------------------------------------
    def tbc(self, value: object) -> str:
        """Shows a placeholder as « À confirmer » / "To be confirmed"."""
        if value == PLACEHOLDER:
            self.placeholders.append(self._current)
            return str(self.strings["placeholder"])
        return str(value)

    def number(self, value: int | str) -> str:
        if isinstance(value, str):
            return self.tbc(value)
        return formatting.number(value, self.lang)

    def quantity(self, value: int | str, unit: str) -> str:
        """`3 | quantity("year")` → « 3 ans » / "3 years"; a placeholder stays one."""
        if isinstance(value, str):
            return self.tbc(value)
        singular, plural = self.strings["units"][unit]
        # French keeps 0 and 1 singular (« 0 an », « 1 an »), English only 1.
        one = value in (0, 1) if self.lang == "fr" else value == 1
        return f"{self.number(value)}{NBSP}{singular if one else plural}"

    def period(self, days: int) -> str:
        """A number of days as people say it: in years when it is a whole number of them."""
        if days % DAYS_PER_YEAR == 0:
            return self.quantity(days // DAYS_PER_YEAR, "year")
        return self.quantity(days, "day")

    def money(self, value: int) -> str:
        return f"{self.number(value)}{NBSP}$" if self.lang == "fr" else f"${self.number(value)}"

    def longdate(self, value: dt.date | str) -> str:
        if isinstance(value, str):
            return self.tbc(value)
        return formatting.long_date(value, self.strings["months"], self.lang)

    def label(self, item: object) -> str:
        """The name of a coded item (region, sector, branch, partner) in this language."""
        return str(getattr(item, f"name_{self.lang}"))

    # Pages -------------------------------------------------------------------------
    def context(self, page: Page) -> dict[str, Any]:
        def link(page_id: str, anchor: str = "") -> str:
            """A relative link to another page's Markdown, so a strict build checks it."""
            target = self.plan.find(self.lang, page_id)
            rel = posixpath.relpath(target.path, posixpath.dirname(page.path) or ".")
            return rel + (f"#{anchor}" if anchor else "")

        def asset(name: str) -> str:
            """The address of a file in this language's assets/, from the host's root: raw
            HTML that Zensical would rewrite if it were relative (its pages then lost it)."""
            return f"{self.plan.settings.base_path}{self.lang}/assets/{name}"

        def form(name: str) -> str:
            """The forms API's own partial: the site's form and its no-JS answers share markup."""
            self.uses_forms = True
            return site_form(
                self.plan.settings.data_dir, self.lang, name, self.plan.settings.api_base_url
            )

        helpers: dict[str, Callable[..., str]] = {"link": link, "asset": asset, "form": form}
        return {
            **helpers,
            "lang": self.lang,
            "t": self.strings,
            "program": self.data.program,
            "phase": self.data.program.phase,
            "regions": self.data.regions,
            "sectors": self.data.sectors,
            "branches": self.data.branches,
            "municipalities": self.data.municipalities,
            "api_base_url": self.plan.settings.api_base_url,
            # The newsroom prints the short links as absolute addresses to paste.
            "site_url": self.plan.settings.site_url,
            "shortlinks": self.data.shortlinks,
            "numbers": page_view(self.data, self.plan.settings, self.lang),
            "page": page,
            **page.context,
        }

    def render(self, page: Page) -> str:
        self._current = page.path
        self.uses_forms = False
        meta: dict[str, Any]
        if page.source is not None:
            meta, body = split_front_matter(page.source.read_text(encoding="utf-8"), page.source)
            source_name = str(page.source)
            self._bodies[source_name] = body
            try:
                body = self.env.get_template(source_name).render(self.context(page))
            except jinja2.TemplateSyntaxError as exc:
                raise DataError(source_name, f"line {exc.lineno}", exc.message or "") from exc
            except jinja2.TemplateError as exc:
                raise DataError(source_name, "(template)", str(exc)) from exc
        else:
            template = page.template or ""
            meta, body = split_front_matter(
                self.env.get_template(template).render(self.context(page)),
                TEMPLATES_DIR / template,
            )
            source_name = template
        if not meta.get("description"):
            raise DataError(source_name, "description", "every page needs a short description")
        if self.uses_forms:
            # The forms' stylesheet and script, in the head (site/overrides/main.html).
            meta["vnb_forms"] = True
        pair = self.plan.pair(page)
        modified = self.modified(page, meta)
        meta["vnb"] = {
            **({"modified": modified.isoformat()} if modified else {}),
            "report": self.report_href(page),
            "alternates": self.plan.alternates(page),
            "switch": {
                "href": self.plan.site_path(pair),
                "lang": pair.lang,
                "hreflang": HREFLANG[pair.lang],
                "label": self.data.strings[pair.lang].site["language_name"],
            },
        }
        return f"---\n{dump_yaml(meta)}---\n{body}"

    def modified(self, page: Page, meta: dict[str, Any]) -> dt.date | None:
        """The page's "Date modified": its sources' last commit, else its front matter."""
        if page.source is not None:
            sources = [page.source]
        else:
            data_dir = self.plan.settings.data_dir
            sources = [
                TEMPLATES_DIR / (page.template or ""),
                *(data_dir / n for n in GENERATED_FROM),
            ]
        known = [self.history[p.resolve()] for p in sources if p.resolve() in self.history]
        return max(known) if known else front_matter_date(meta)

    def report_href(self, page: Page) -> str:
        """ "Report a problem on this page": an e-mail naming the page to the program's
        address; while that address is a placeholder, the contact page's section, with
        the page's address in the query (see docs/decisions/2026-12-01-service-pages.md)."""
        strings = self.strings["page_details"]
        email = self.data.program.contact.email
        if email != PLACEHOLDER:
            fields = {
                "subject": strings["report_subject"],
                "body": strings["report_body"].format(url=self.plan.absolute_url(page)),
            }
            return f"mailto:{email}?{urlencode(fields, quote_via=quote)}"
        contact = self.plan.site_path(self.plan.find(self.lang, "contact"))
        query = urlencode({"page": self.plan.site_path(page)}, safe="/")
        return f"{contact}?{query}#{strings['report_anchor']}"


def source_history(plan: SitePlan) -> dict[Path, dt.date]:
    """When each source file of the pages last changed: the content and the templates."""
    return all_last_changes(plan.settings.content_dir, TEMPLATES_DIR)


def stage_language(
    data: Content,
    plan: SitePlan,
    lang: Language,
    docs_dir: Path,
    history: dict[Path, dt.date] | None = None,
    cache_dir: Path | None = None,
) -> list[str]:
    """Writes a language's Markdown and assets into `docs_dir`; returns placeholder uses.
    `cache_dir`: the build's cache folder (compiled templates, see `Renderer`)."""
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    renderer = Renderer(data, plan, lang, history, cache_dir / "jinja-pages" if cache_dir else None)
    for page in plan.pages[lang]:
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(renderer.render(page), encoding="utf-8")
    shutil.copytree(ASSETS_DIR, docs_dir / "assets")
    # The assessment's step checks, fetched by its script after the first paint.
    (docs_dir / "assets" / STEP_ERRORS).write_text(
        step_errors(plan.settings.data_dir, lang), encoding="utf-8"
    )
    return renderer.placeholders
