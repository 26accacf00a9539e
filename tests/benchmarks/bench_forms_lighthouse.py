"""Prints the render-path weights of the form pages and of the pages the forms API answers a
form post with, and Lighthouse 12.2.3 mobile scores (with LCP and CLS) of the form pages and
of the answer pages that have an address of their own (the "check your answers" page, the
confirmation, the assessment result; Lighthouse refuses to load a 4xx answer such as a link
that no longer works: axe covers those), served by the local mode
(site built for its own address, the API behind the same origin),
then the same files on the same address gzipped as the CDN serves them (the local mode
does not compress).

    .venv/bin/python tests/benchmarks/bench_forms_lighthouse.py [--runs 1]

Several runs print each one: performance varies by a few points on this shared 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "support"))
sys.path[:0] = [str(REPO / "tests" / "support"), str(REPO / "tests" / "integration")]

import yaml  # noqa: E402
from bench_site import BUDGET, lighthouse, render_path, weights  # noqa: E402
from browser import static_server  # noqa: E402
from content_model import load_content  # noqa: E402
from forms_api.domain.registration import OPEN_ONLY_FIELDS  # noqa: E402
from forms_events import as_form, hidden_fields, valid_registration  # noqa: E402
from localdev.process import LocalModeProcess  # noqa: E402

PAGES = ("fr/inscription/", "en/register/", "fr/bilan-numerique/", "en/digital-assessment/")


def _post(url: str, fields: dict[str, str]) -> tuple[str, bytes]:
    """The answer to a form post, redirects followed (303 → GET): its address and body."""
    request = urllib.request.Request(
        url,
        data=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(response.geturl()), response.read()


def first_answers() -> dict[str, str]:
    data = yaml.safe_load((REPO / "content" / "data" / "assessment.yml").read_text("utf-8"))
    return {
        f"answers.{q['id']}": q["options"][0]["code"]
        for d in data["dimensions"]
        for q in d["questions"]
    }


def answer_addresses(base: str) -> dict[str, str]:
    """The answer pages a merchant can reload, reached as a merchant does (posts, 303s)."""
    fields = as_form(valid_registration())
    if load_content(REPO / "content" / "data").program.phase != "open":
        fields = {k: v for k, v in fields.items() if k not in OPEN_ONLY_FIELDS}
    check, page = _post(base + "api/registrations", fields)
    fields = {**hidden_fields(page.decode("utf-8")), "step": "send"}
    confirmation, _ = _post(base + "api/registrations/send", fields)
    result, _ = _post(base + "api/assessments", {"language": "fr", **first_answers()})
    return {
        "check your answers (fr)": check,
        "confirmation (fr)": confirmation,
        "assessment result (fr)": result,
    }


def post(url: str, fields: dict[str, str]) -> bytes:
    request = urllib.request.Request(
        url,
        data=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body: bytes = response.read()
    except urllib.error.HTTPError as error:  # the form again, with its errors
        body = error.read()
    return body


def answer_pages(base: str) -> dict[str, bytes]:
    registration = as_form(valid_registration())
    if load_content(REPO / "content" / "data").program.phase != "open":
        registration = {k: v for k, v in registration.items() if k not in OPEN_ONLY_FIELDS}
    return {
        "registration answer (fr)": post(base + "api/registrations", registration),
        "registration errors (en)": post(
            base + "api/registrations", {**registration, "email": "x", "language": "en"}
        ),
        "assessment errors (fr)": post(base + "api/assessments", {"language": "fr"}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-forms-") as tmp:
        out = Path(tmp)
        site = out / "build" / "site"
        with LocalModeProcess(["--out", str(out / "build")]) as local:
            state = local.start(timeout=240)
            print(f"render path (gzip B: html + stylesheets + classic scripts; budget {BUDGET}):")
            for page in PAGES:
                w = weights(site, page)
                print(f"  /{page}: {sum(w.values())} {w}")
            for name, html in answer_pages(state.url).items():
                w = render_path(site, "/api/", html)
                print(f"  {name}: {sum(w.values())} {w}")
            _scores(state.url, "local mode", args.runs, out)
            # Answers are never indexed (`noindex`): Lighthouse's SEO audit `is-crawlable`
            # fails on them by design, and is listed among the failing audits.
            for name, url in answer_addresses(state.url).items():
                for run in range(args.runs):
                    result = lighthouse(url, out / "lh.json")
                    print(
                        f"lighthouse 12.2.3 mobile answer page {name} (run {run + 1}): "
                        f"{json.dumps(result, ensure_ascii=False)}"
                    )
        # The same build on the same address (its canonical URLs), compressed like the CDN.
        port = int(state.url.rstrip("/").rsplit(":", 1)[1])
        with static_server(site, port=port) as base:
            _scores(base, "gzip static", args.runs, out)
    return 0


def _scores(base: str, served_by: str, runs: int, out: Path) -> None:
    for page in PAGES:
        for run in range(runs):
            result = lighthouse(base + page, out / "lh.json")
            print(
                f"lighthouse 12.2.3 mobile /{page} (run {run + 1}, {served_by}): "
                f"{json.dumps(result, ensure_ascii=False)}"
            )


if __name__ == "__main__":
    sys.exit(main())
