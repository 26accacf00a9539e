"""A synthetic population for the preview and the benchmarks: clearly fake businesses.

Every name says « fictif », every address is at `example.invalid` (a domain that cannot
exist), every NEQ starts with 99 and the references with `FAKE-`. The items are built by
the forms' own item builders, so they have the stored shape exactly; the coaching steps
are the registration's attributes the staff command writes (`forms_api.keys`).

Coaching, drawn from its own random stream (so the registrations and the first assessments
stay the ones earlier seeds gave): about 70 % of the registrations are contacted, three
quarters of those have a first meeting (coached), 40 % of the coached have finished; a
coached business's later assessments come after its first meeting.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from content_model import Content
from forms_api import keys
from forms_api.domain.models import Assessment, Kind, Registration, RegistrationStatus
from forms_api.repository import assessment_item, registration_item

# Rough weights of the regions' retail (Montréal and Montérégie the largest; Nord-du-Québec
# the smallest), so some regions stay under k in a few thousand businesses.
REGION_WEIGHTS = {
    "01": 3, "02": 4, "03": 10, "04": 4, "05": 4, "06": 22, "07": 4, "08": 2, "09": 1,
    "10": 0.3, "11": 1, "12": 5, "13": 5, "14": 6, "15": 7, "16": 16, "17": 3,
}  # fmt: skip
START = datetime(2026, 1, 5, tzinfo=UTC)
END = START + timedelta(days=330)  # no coaching step after the last registration


def _coaching(rng: random.Random, created: datetime) -> dict[str, Any]:
    """The coaching attributes of one registration (none, or some steps in order)."""
    steps: dict[str, Any] = {}
    if rng.random() >= 0.7:
        return steps
    contacted = created + timedelta(days=rng.randint(1, 14))
    if contacted > END:
        return steps
    steps[keys.COACHING_STEPS["contacted"]] = contacted.date().isoformat()
    if rng.random() >= 0.75:
        return steps
    meeting = contacted + timedelta(days=rng.randint(3, 30))
    if meeting > END:
        return steps
    steps[keys.COACHING_STEPS["first_meeting"]] = meeting.date().isoformat()
    steps[keys.COACHING_HOURS["training"]] = rng.choice([0, 3, 6, 9, 12])
    steps[keys.COACHING_HOURS["coaching"]] = rng.randint(1, 20)
    finished = meeting + timedelta(days=rng.randint(30, 150))
    if rng.random() < 0.4 and finished <= END:
        steps[keys.COACHING_STEPS["finished"]] = finished.date().isoformat()
    return steps


def _scores(rng: random.Random, dimensions: list[str], base: float) -> dict[str, int]:
    return {
        dimension: max(0, min(100, round(rng.gauss(base, 18) / 5) * 5)) for dimension in dimensions
    }


def population(content: Content, count: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """`count` registrations (and some waitlist entries, duplicates, assessments) as items."""
    rng = random.Random(seed)  # noqa: S311 - fake data, reproducible
    coaching_rng = random.Random(seed + 1)  # noqa: S311 - fake data, reproducible
    regions = [region.code for region in content.regions]
    weights = [REGION_WEIGHTS.get(code, 1) for code in regions]
    by_code = content.regions_by_code
    dimensions = [dimension.id for dimension in content.questionnaire.dimensions]
    # The form's retail sectors (a registration's sector is one of them), so the peers'
    # sector groups fill; head counts mostly small, as retail's are.
    sectors = [sector.code for sector in content.sectors if sector.retail]
    version = content.questionnaire.version
    expires = int((START + timedelta(days=content.program.privacy.retention_days * 2)).timestamp())
    for number in range(1, count + 1):
        region = rng.choices(regions, weights)[0]
        created = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 330))
        reference = f"FAKE-{number:06d}"
        kind: Kind = "waitlist" if rng.random() < 0.08 else "registration"
        status: RegistrationStatus = "possible_duplicate" if rng.random() < 0.01 else "confirmed"
        item = registration_item(
            Registration(
                reference=reference,
                kind=kind,
                created_at=created,
                phase="open",
                legal_name=f"Commerce fictif {number:06d}",
                region=region,
                branch=by_code[region].branch,
                contact_name=f"Personne fictive {number:06d}",
                email=f"fictif-{number:06d}@example.invalid",
                phone="+15555550100",
                language="fr" if rng.random() < 0.85 else "en",
                privacy_notice_version=content.program.privacy.notice_version,
                survey_consent=False,
                expires_at=expires,
                status=status,
                neq=f"99{number:08d}",
                sector=rng.choice(sectors),
                employees=min(99, int(rng.expovariate(1 / 12))),
            )
        )
        coaching = _coaching(coaching_rng, created) if kind == "registration" else {}
        yield {**item, **coaching}
        if kind != "registration":
            continue
        meeting_on = coaching.get(keys.COACHING_STEPS["first_meeting"])
        draw = rng.random()
        taken = 0 if draw < 0.4 else 1 if draw < 0.75 else rng.randint(2, 3)
        base = rng.uniform(20, 60)
        moment = created
        for index in range(taken):
            moment += timedelta(days=rng.randint(1, 90) if index else rng.randint(0, 20))
            if index and meeting_on is not None:
                # After the first assessment, a coached business reassesses after its meeting.
                meeting = datetime.fromisoformat(meeting_on).replace(tzinfo=UTC)
                moment = max(moment, meeting + timedelta(days=coaching_rng.randint(20, 120)))
            scores = _scores(rng, dimensions, base + 15 * index)
            score = round(sum(scores.values()) / len(scores))
            yield assessment_item(
                Assessment(
                    assessment_id=f"fake{number:06d}{index}",
                    created_at=moment,
                    reference=reference,
                    questionnaire_version=version,
                    answers={},
                    scores=scores,
                    score=score,
                    level="starting" if score < 40 else "developing" if score < 75 else "advanced",
                    language="fr",
                    expires_at=expires,
                )
            )
