"""The forms' domain rules, without AWS: formats, eligibility, phases, scoring, references."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from content_model import Content, load_content
from content_model.models import Questionnaire
from forms_api.domain import rules
from forms_api.domain.assessment import score
from forms_api.domain.errors import (
    FormChanged,
    InvalidSubmission,
    NotEligible,
    ProgramClosed,
    RuleViolation,
    SubmissionRefused,
)
from forms_api.domain.models import Submission
from forms_api.domain.registration import check_not_spam, register
from forms_api.memory_repository import InMemoryProgramRepository
from pydantic import ValidationError

DATA_DIR = Path(__file__).resolve().parents[2] / "content" / "data"
NOW = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)


def data_in_phase(phase: str) -> Content:
    data = load_content(DATA_DIR)
    program = data.program.model_copy(update={"phase": phase})
    return data.model_copy(update={"program": program})


def submission(**changes: object) -> Submission:
    base = Submission(
        legal_name="Quincaillerie Dupuis",
        region="17",
        contact_name="Marc Dupuis",
        email="marc@example.ca",
        phone="+18195550100",
        language="fr",
        consent=True,
        neq="2234567890",
        sector="hardware",
        employees=8,
        sells_online=False,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --- formats ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1170000001", "1170000001"), ("117 000 0001", "1170000001"), ("1170-000-001", "1170000001")],
)
def test_neq_accepts_ten_digits_with_separators(typed: str, stored: str) -> None:
    assert rules.normalise_neq(typed) == stored


@pytest.mark.parametrize("typed", ["117000000", "11700000012", "117000000A", "", "١١٧٠٠٠٠٠٠١"])
def test_neq_refuses_anything_but_ten_ascii_digits(typed: str) -> None:
    with pytest.raises(RuleViolation, match="neq_format"):
        rules.normalise_neq(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "514 555-0123",
        "(514) 555-0123",
        "514.555.0123",
        "5145550123",
        "1-514-555-0123",
        "+1 514 555 0123",
    ],
)
def test_canadian_phone_formats_become_e164(typed: str) -> None:
    assert rules.normalise_phone(typed) == "+15145550123"


@pytest.mark.parametrize(
    "typed",
    ["555-0123", "+33 1 23 45 67 89", "014 555 0123", "514 155 0123", "514 555 0123 x12", "abc"],
)
def test_phone_refuses_non_canadian_or_impossible_numbers(typed: str) -> None:
    with pytest.raises(RuleViolation, match="phone_format"):
        rules.normalise_phone(typed)


def test_email_keeps_local_part_and_lowercases_domain() -> None:
    assert rules.normalise_email("  Josee.Cote@Example.CA ") == "Josee.Cote@example.ca"


@pytest.mark.parametrize(
    "typed", ["josee", "josee@", "@example.ca", "jo see@example.ca", "a@b", "a@@b.ca", "a..b@x.ca"]
)
def test_email_refuses_malformed_addresses(typed: str) -> None:
    with pytest.raises(RuleViolation, match="email_format"):
        rules.normalise_email(typed)


def test_email_refuses_control_characters() -> None:
    with pytest.raises(RuleViolation, match="control_characters"):
        rules.normalise_email("jo\x07see@example.ca")


def test_email_key_hashes_the_normalised_address() -> None:
    from forms_api import keys

    assert keys.email_partition(" Marc@Example.ca") == keys.email_partition("marc@example.ca")
    assert "marc" not in keys.email_partition("marc@example.ca")


def test_text_is_trimmed_and_nfc_normalised() -> None:
    decomposed = "Cafe\u0301 Élan  "
    assert rules.clean_text(decomposed, max_length=50) == "Café Élan"


@pytest.mark.parametrize("typed", ["Boutique\x00", "Bou\x1btique", "Bou\u200btique", "a\u2028b"])
def test_text_refuses_control_characters(typed: str) -> None:
    with pytest.raises(RuleViolation, match="control_characters"):
        rules.clean_text(typed, max_length=50)


def test_text_limits_and_required() -> None:
    with pytest.raises(RuleViolation, match="too_long"):
        rules.clean_text("x" * 51, max_length=50)
    with pytest.raises(RuleViolation, match="required"):
        rules.clean_text("   ", max_length=50)
    # Markup is kept as plain text; escaping happens on output.
    assert (
        rules.clean_text("<script>alert(1)</script>", max_length=50) == "<script>alert(1)</script>"
    )


def test_references_are_short_unambiguous_and_random() -> None:
    references = {rules.new_reference() for _ in range(2000)}
    assert len(references) == 2000
    for reference in references:
        assert re.fullmatch(r"VNB-[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
        assert not set(reference[4:]) & set("IO01")
        assert rules.normalise_reference(reference.lower()) == reference
    with pytest.raises(RuleViolation):
        rules.normalise_reference("VNB-1234-OOII")


def test_expiry_follows_the_retention_period_of_program_yml() -> None:
    days = load_content(DATA_DIR).program.privacy.retention_days
    assert rules.expires_at(NOW, days) == int((NOW + timedelta(days=days)).timestamp())


# --- registration rules -----------------------------------------------------------


def test_open_phase_stores_a_registration_with_branch_from_region() -> None:
    repo = InMemoryProgramRepository()
    stored = register(submission(), data_in_phase("open"), repo, NOW)
    assert stored.kind == "registration"
    assert stored.branch == "mauricie"  # region 17 Centre-du-Québec → Mauricie branch
    assert stored.privacy_notice_version == load_content(DATA_DIR).program.privacy.notice_version
    assert repo.registrations[stored.reference] == stored


def test_chosen_branch_wins_over_the_region_default() -> None:
    stored = register(
        submission(branch="montreal"), data_in_phase("open"), InMemoryProgramRepository(), NOW
    )
    assert stored.branch == "montreal"


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"employees": 100}, "ineligible_employees"), ({"sector": "restaurant"}, "ineligible_sector")],
)
def test_ineligible_businesses_are_refused_and_nothing_is_stored(
    changes: dict[str, object], code: str
) -> None:
    repo = InMemoryProgramRepository()
    with pytest.raises(NotEligible) as raised:
        register(submission(**changes), data_in_phase("open"), repo, NOW)
    assert [p.code for p in raised.value.problems] == [code]
    assert repo.registrations == {}


def test_ninety_nine_employees_is_eligible() -> None:
    register(submission(employees=99), data_in_phase("open"), InMemoryProgramRepository(), NOW)


def test_a_neq_is_claimed_once_the_email_is_confirmed_and_a_second_claim_goes_to_review() -> None:
    repo = InMemoryProgramRepository()
    squatter = register(submission(email="inconnu@example.ca"), data_in_phase("open"), repo, NOW)
    owner = register(submission(email="proprio@example.ca"), data_in_phase("open"), repo, NOW)
    # Both are stored: typing someone's NEQ first blocks nobody and reveals nothing.
    assert {squatter.reference, owner.reference} <= set(repo.registrations)
    assert repo.neqs == {}
    confirmed = repo.confirm_registration(owner.reference, NOW)
    assert confirmed is not None and confirmed.status == "confirmed"
    assert repo.neqs == {"2234567890": owner.reference}
    late = repo.confirm_registration(squatter.reference, NOW)
    assert late is not None and late.status == "possible_duplicate"
    assert repo.duplicates == {squatter.reference: owner.reference}
    # Confirming again changes nothing.
    again = repo.confirm_registration(owner.reference, NOW)
    assert again is not None and again.status == "confirmed"


def test_waitlist_takes_fewer_fields_and_never_drops_what_was_typed() -> None:
    repo = InMemoryProgramRepository()
    waitlist = submission(neq=None, sector=None, employees=None, sells_online=None)
    stored = register(waitlist, data_in_phase("waitlist"), repo, NOW)
    assert stored.kind == "waitlist"
    # A page of the open phase posting its fields while the phase is waitlist: the current
    # form again, not a silent drop of the NEQ, sector and head count.
    with pytest.raises(FormChanged):
        register(submission(), data_in_phase("waitlist"), repo, NOW)


def test_closed_phase_refuses() -> None:
    with pytest.raises(ProgramClosed):
        register(submission(), data_in_phase("closed"), InMemoryProgramRepository(), NOW)


def test_open_phase_needs_the_business_fields() -> None:
    with pytest.raises(InvalidSubmission) as raised:
        register(
            submission(neq=None, employees=None),
            data_in_phase("open"),
            InMemoryProgramRepository(),
            NOW,
        )
    assert {p.field for p in raised.value.problems} == {"neq", "employees"}


def test_consent_is_required() -> None:
    with pytest.raises(InvalidSubmission):
        register(submission(consent=False), data_in_phase("open"), InMemoryProgramRepository(), NOW)


def test_the_honeypot_refuses() -> None:
    with pytest.raises(SubmissionRefused):
        check_not_spam("http://spam.example")
    check_not_spam("")


# --- the questionnaire and its scoring ---------------------------------------------


def questionnaire() -> Questionnaire:
    return load_content(DATA_DIR).questionnaire


def answers_at(position: str) -> dict[str, str]:
    pick = {
        "lowest": lambda q: min(q.options, key=lambda o: o.score),
        "highest": lambda q: max(q.options, key=lambda o: o.score),
    }[position]
    return {qid: pick(q).code for qid, q in questionnaire().questions.items()}


def test_questionnaire_shape() -> None:
    q = questionnaire()
    assert 6 <= len(q.dimensions) <= 7
    assert 15 <= len(q.questions) <= 30
    for dimension in q.dimensions:
        assert set(dimension.recommendations) == {level.code for level in q.levels}


def test_lowest_answers_score_zero_and_get_first_level_advice() -> None:
    result = score(questionnaire(), answers_at("lowest"), "fr")
    assert result.score == 0
    assert result.level == questionnaire().levels[0].code
    first = questionnaire().dimensions[0]
    assert result.dimensions[0].recommendation == first.recommendations[result.level].fr


def test_highest_answers_score_one_hundred_in_english() -> None:
    result = score(questionnaire(), answers_at("highest"), "en")
    assert result.score == 100
    assert {d.score for d in result.dimensions} == {100}
    assert result.level == questionnaire().levels[-1].code
    last = questionnaire().dimensions[-1]
    assert result.dimensions[-1].recommendation == last.recommendations[result.level].en


def test_one_dimension_strong_others_weak() -> None:
    answers = answers_at("lowest")
    strong = questionnaire().dimensions[1]
    for question in strong.questions:
        answers[question.id] = max(question.options, key=lambda o: o.score).code
    result = score(questionnaire(), answers, "fr")
    by_dimension = {d.dimension: d for d in result.dimensions}
    assert by_dimension[strong.id].score == 100
    assert result.score == round(100 / len(questionnaire().dimensions))


def test_unanswered_unknown_and_invalid_answers_are_reported_per_question() -> None:
    answers = answers_at("lowest")
    first, second = list(answers)[:2]
    del answers[first]
    answers[second] = "not_an_option"
    answers["made_up"] = "yes"
    with pytest.raises(InvalidSubmission) as raised:
        score(questionnaire(), answers, "fr")
    assert {(p.field, p.code) for p in raised.value.problems} == {
        (f"answers.{first}", "answer_required"),
        (f"answers.{second}", "invalid_choice"),
        ("answers.made_up", "unknown_field"),
    }


def test_questionnaire_model_rejects_a_broken_file() -> None:
    raw = questionnaire().model_dump(mode="json")
    raw["dimensions"][0]["recommendations"].pop("advanced")
    with pytest.raises(ValidationError, match="one recommendation per level"):
        Questionnaire.model_validate(raw)
    raw = questionnaire().model_dump(mode="json")
    raw["levels"][1]["min_score"] = 0
    with pytest.raises(ValidationError, match="strictly increase"):
        Questionnaire.model_validate(raw)
