"""A mutation check of the rules that matter: each mutant breaks one rule in a throw-away
copy of the code, and the tests that guard that rule must fail. A mutant the tests let live
is a rule nobody checks.

    .venv/bin/python tests/mutation/run_mutants.py          # all mutants (a few minutes)
    .venv/bin/python tests/mutation/run_mutants.py ttl neq  # some of them

Run on demand and by `make mutants` (not in `make test`: it runs the same tests again).
Prints one line per mutant and a table; exits 1 if a mutant survives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTEST = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--timeout", "300"]


@dataclass(frozen=True)
class Mutant:
    name: str
    rule: str
    file: str
    before: str
    after: str
    tests: tuple[str, ...]


MUTANTS = (
    Mutant(
        "ttl",
        "TTL from the retention period",
        "functions/forms_api/domain/rules.py",
        "return int((created + timedelta(days=retention_days)).timestamp())",
        "return int((created + timedelta(days=1095)).timestamp())",
        (
            "tests/integration/test_forms_registration.py::"
            "test_the_retention_of_the_data_drives_the_ttl_of_registrations_and_assessments",
        ),
    ),
    Mutant(
        "neq",
        "one business number per confirmed registration",
        "functions/forms_api/repository.py",
        """                        "Item": _attributes(guard),
                        "ConditionExpression": "attribute_not_exists(pk)",""",
        """                        "Item": _attributes(guard),""",
        (
            "tests/integration/test_forms_registration.py::"
            "test_a_stranger_typing_a_neq_first_blocks_nobody_and_learns_nothing",
        ),
    ),
    Mutant(
        "formula",
        "formula injection neutralised in the staff export",
        "functions/staff/exports.py",
        'return "\'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell',
        "return cell",
        ("tests/unit/test_staff.py",),
    ),
    Mutant(
        "hreflang",
        "hreflang alternates are reciprocal",
        "site/sitebuild/pages.py",
        "by_lang = {page.lang: page, other(page.lang): self.pair(page)}",
        "by_lang = {page.lang: page, other(page.lang): page}",
        ("tests/site/test_languages.py",),
    ),
    Mutant(
        "summary",
        "the error summary links each field",
        "functions/forms_api/templates/form_fields.html",
        """<li>{% if href %}<a href="#{{ href }}">{{ message }}</a>""",
        """<li>{% if False %}<a href="#{{ href }}">{{ message }}</a>""",
        (
            "tests/integration/test_forms_registration.py::"
            "test_form_errors_page_has_a_linked_summary_and_keeps_the_values",
        ),
    ),
    Mutant(
        "phase",
        "a post never silently drops the fields of another phase",
        "functions/forms_api/domain/registration.py",
        "        if extra:\n            raise FormChanged",
        "        if extra and False:\n            raise FormChanged",
        ("tests/unit/test_forms_domain.py",),
    ),
    Mutant(
        "shortlinks",
        "the edge function's short links come from shortlinks.yml",
        "infra/edge_function.py",
        "for k, v in short_links(shortlinks).items()]",
        "for k, v in short_links(shortlinks).items()][:0]",
        ("tests/infra/test_edge_function.py",),
    ),
    Mutant(
        "honeypot",
        "the honeypot refuses",
        "functions/forms_api/domain/registration.py",
        "    if honeypot:\n",
        "    if honeypot and False:\n",
        ("tests/unit/test_forms_domain.py::test_the_honeypot_refuses",),
    ),
    Mutant(
        "timing",
        "Send refused within MIN_FILL_SECONDS of the check page",
        "functions/forms_api/handlers/registration.py",
        "< get_settings().min_fill_seconds:",
        "< 0:",
        (
            "tests/integration/test_forms_registration.py::"
            "test_the_timing_check_is_signed_by_the_server",
        ),
    ),
    Mutant(
        "peers-k",
        "no peer median of fewer than k businesses",
        "functions/progress/peers.py",
        "            if len(values) >= k:",
        "            if len(values) >= 1:",
        (
            "tests/unit/test_progress_peers.py::"
            "test_no_group_below_k_is_ever_published_and_every_median_is_true",
        ),
    ),
    Mutant(
        "results-confirmed",
        "a result is mailed to a confirmed address only",
        "functions/forms_api/mail_ledger.py",
        "return str(email) if email and status in CONFIRMED_STATUSES else None",
        "return str(email) if email else None",
        (
            "tests/integration/test_notifier.py::"
            "test_a_results_request_for_an_unconfirmed_or_erased_registration_sends_nothing",
        ),
    ),
    Mutant(
        "results-daily",
        "result mails count against the address's daily limit",
        "functions/forms_api/handlers/notifier.py",
        "if mail.purpose in MERCHANT_PURPOSES and",
        'if mail.purpose == "merchant" and',
        (
            "tests/integration/test_notifier.py::"
            "test_results_mails_are_bounded_per_address_and_sent_once_per_request",
        ),
    ),
)


CONTROL = Mutant("control", "no mutation: the tests must pass", "README.md", "#", "#", ())


def run(mutant: Mutant) -> tuple[bool, float, str]:
    """(killed, seconds, why): the mutant in a copy of the code, its tests run there."""
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.name}-") as tmp:
        copy = Path(tmp) / "repo"
        ignore = shutil.ignore_patterns(
            ".git", ".venv*", "node_modules", "build", "__pycache__", ".mypy_cache", ".ruff_cache"
        )
        shutil.copytree(REPO, copy, ignore=ignore, symlinks=True)
        (copy / "tests" / "node_modules").symlink_to(REPO / "tests" / "node_modules")
        target = copy / mutant.file
        text = target.read_text(encoding="utf-8")
        if mutant.before not in text:
            return False, 0.0, f"the code to mutate is not in {mutant.file} any more"
        target.write_text(text.replace(mutant.before, mutant.after, 1), encoding="utf-8")
        env = {
            **os.environ,
            # The copy's packages before the editable install's.
            "PYTHONPATH": os.pathsep.join(str(copy / p) for p in ("functions", "site")),
        }
        started = time.perf_counter()
        done = subprocess.run(
            [*PYTEST, *mutant.tests], cwd=copy, env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        last = (done.stdout.strip().splitlines() or [""])[-1]
        return done.returncode != 0, seconds, last


def main(names: list[str]) -> int:
    chosen = [m for m in MUTANTS if not names or m.name in names]
    # The control: the same tests on the copy without any mutant must pass, or a "killed"
    # would only mean that the copy does not run.
    control = Mutant(**{**CONTROL.__dict__, "tests": tuple(t for m in chosen for t in m.tests)})
    failed, seconds, last = run(control)
    print(f"{'control':9} {'(none)':11} {seconds:6.1f} s  {last}")
    if failed:
        print("the tests fail without any mutant: fix them first")
        return 2
    rows = []
    for mutant in chosen:
        killed, seconds, last = run(mutant)
        rows.append((mutant, killed, seconds, last))
        print(f"{'killed' if killed else 'SURVIVED':9} {mutant.name:11} {seconds:6.1f} s  {last}")
    print()
    print("| mutant | rule | result | tests |")
    print("| --- | --- | --- | --- |")
    for mutant, killed, seconds, _last in rows:
        print(
            f"| {mutant.name} | {mutant.rule} | {'killed' if killed else '**survived**'}"
            f" ({seconds:.0f} s) | {', '.join(t.split('::')[-1] for t in mutant.tests)} |"
        )
    survivors = [m.name for m, killed, _s, _l in rows if not killed]
    print(f"\n{len(rows) - len(survivors)} of {len(rows)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
