"""The local mode's stand-in, time per registration as records pile up; prints medians.

    .venv/bin/python tests/benchmarks/bench_localdev_records.py [--samples 15]

A registration's writes as the local mode makes them, through the forms' own repository on
the local mode's stand-in (moto's server on loopback, the tables of infra/template.yaml):
the registration stored (a conditional Put), then its e-mail confirmed (one transaction: the
registration's Update and its NEQ guard's Put, both conditional). Registrations are added
until 0, 100 and 500 are stored; at each level the median of `--samples` is printed. Twice:
with the stand-in's journaled transactions (what `make dev` runs) and with moto's own
(`LOCALDEV_MOTO_AS_IS=1`), which copies the whole table on every transaction.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "functions"))

from forms_api.domain.models import Registration  # noqa: E402
from forms_api.repository import DynamoProgramRepository  # noqa: E402
from localdev.standin import MOTO_AS_IS, StandIn, dynamodb_client  # noqa: E402

LEVELS = (0, 100, 500)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def _registration() -> Registration:
    number = next(_numbers)
    return Registration(
        reference=f"VNB-BENCH-{number:05d}",
        kind="registration",
        created_at=NOW,
        phase="open",
        legal_name="Boutique de mesure inc.",
        region="04",
        branch="mauricie",
        contact_name="Mesure Test",
        email=f"mesure-{number}@example.org",
        phone="+18195550123",
        language="fr",
        privacy_notice_version="2026-11",
        survey_consent=False,
        expires_at=2_000_000_000,
        neq=f"11{number:08d}",
    )


def _register(repository: DynamoProgramRepository) -> float:
    registration = _registration()
    started = time.perf_counter()
    repository.add_registration(registration)
    view = repository.confirm_registration(registration.reference, NOW)
    elapsed = time.perf_counter() - started
    if view is None or view.status != "confirmed":
        raise SystemExit(f"{registration.reference}: {view}")
    return elapsed


def one_mode(as_is: bool, samples: int) -> dict[int, float]:
    if as_is:
        os.environ[MOTO_AS_IS] = "1"
    else:
        os.environ.pop(MOTO_AS_IS, None)
    # Its own tables: moto's backends live as long as this process.
    suffix = "as-is" if as_is else "journaled"
    standin = StandIn({"ProgramTable": f"vnb-bench-{suffix}"})
    standin.start()
    try:
        repository = DynamoProgramRepository(
            dynamodb_client(standin.endpoint), standin.tables["ProgramTable"]
        )
        _register(repository)  # the first call's connection is not what this measures
        stored = 1
        medians: dict[int, float] = {}
        for level in LEVELS:
            while stored < level:
                _register(repository)
                stored += 1
            medians[level] = statistics.median(_register(repository) for _ in range(samples))
            stored += samples
        return medians
    finally:
        standin.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=15)
    arguments = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every call
    # moto as is first: the journal, once installed on the stand-in's backend, stays.
    theirs = one_mode(True, arguments.samples)
    ours = one_mode(False, arguments.samples)

    def shown(medians: dict[int, float]) -> str:
        return " / ".join(f"{medians[level] * 1000:.0f}" for level in LEVELS)

    print(
        "local mode's stand-in, time per registration (stored, then confirmed) at"
        f" 0 / 100 / 500 records: {shown(ours)} ms (moto as is: {shown(theirs)} ms)"
    )


if __name__ == "__main__":
    main()
