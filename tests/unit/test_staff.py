"""Staff commands on the in-memory store: CSV bytes, summary counts, privacy requests, audit."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import funnel_population
import pytest
from forms_api import keys
from hypothesis import given, settings
from hypothesis import strategies as st
from staff import cli, coaching, exports, privacy, summary
from staff.content import load_content
from staff.memory import MemoryStaffStore

CONTENT = load_content()


def registration(reference: str, **overrides: Any) -> dict[str, Any]:
    """A registration item shaped as the contracts note says."""
    item: dict[str, Any] = {
        "kind": "registration",
        "reference": reference,
        "created_at": "2026-11-10T14:03:00Z",
        "phase": "open",
        "legal_name": "Boutique Élan inc.",
        "neq": "1170000001",
        "sector": "clothing",
        "employees": Decimal(12),
        "region": "04",
        "branch": "mauricie",
        "sells_online": False,
        "contact_name": "Josée Côté",
        "email": "Josee@Example.ca",
        "phone": "+15145550123",
        "language": "fr",
        "privacy_notice_version": "2026-11-28",
        "survey_consent": True,
        "utm_source": "communique",
        "expires_at": Decimal(1900000000),
    }
    item.update(overrides)
    created = str(item["created_at"])
    item.update(
        keys.registration(reference),
        **keys.branch_index(str(item["branch"]), created, reference),
        **keys.email_index(str(item["email"]), created),
    )
    return item


def neq_guard(neq: str, reference: str) -> dict[str, Any]:
    return {**keys.neq_guard(neq), "reference": reference, "expires_at": 1900000000}


def assessment(reference: str, created_at: str, level: str) -> dict[str, Any]:
    return {
        **keys.linked_assessment(reference, created_at, f"a{created_at[-3:-1]}"),
        "kind": "assessment",
        "reference": reference,
        "level": level,
        "created_at": created_at,
    }


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --- Export -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+15145550123", "'+15145550123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Dépanneur =ok", "Dépanneur =ok"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_only_cells_a_spreadsheet_would_evaluate(
    cell: str, expected: str
) -> None:
    assert exports.neutralise(cell) == expected


def test_csv_bytes_open_in_french_excel() -> None:
    item = registration("ABCD2345", legal_name='=cmd|" /C calc"!A0', utm_campaign="@lancement")
    data, count = exports.to_csv([item], CONTENT, "fr")

    assert count == 1
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    header = data[3:].split(b"\r\n")[0].decode("utf-8")
    assert header.startswith("Référence / Reference;Reçue le (UTC) / Received (UTC);")
    assert "Secteur / Sector" in header and "Succursale / Branch" in header
    # The accents are UTF-8 bytes, not Windows-1252.
    assert "Josée Côté".encode() in data
    [_header, values] = rows(data)
    by_header = dict(zip(rows(data)[0], values, strict=True))
    assert by_header["Entreprise / Business"] == '\'=cmd|" /C calc"!A0'
    assert by_header["Téléphone / Phone"] == "'+15145550123"
    assert by_header["Campagne (utm_campaign)"] == "'@lancement"
    assert by_header["Secteur / Sector"] == "Vêtements, chaussures et accessoires"
    assert by_header["Région / Region"] == "Mauricie"
    assert by_header["Succursale / Branch"] == "ÉEQ – Mauricie"
    assert by_header["Employés / Employees"] == "12"
    assert by_header["Vend en ligne / Sells online"] == "Non"
    assert by_header["Accepte le sondage / Survey consent"] == "Oui"


def test_csv_in_english_uses_english_labels_and_keeps_unknown_codes() -> None:
    item = registration("ABCD2345", sector="retired_code")
    data, _count = exports.to_csv([item], CONTENT, "en")
    by_header = dict(zip(*rows(data), strict=True))
    assert by_header["Secteur / Sector"] == "retired_code"
    assert by_header["Succursale / Branch"] == "ÉEQ – Mauricie"
    assert by_header["Vend en ligne / Sells online"] == "No"


def test_export_keeps_the_date_range_inclusive_and_the_branch_only() -> None:
    store = MemoryStaffStore(
        [
            registration("AAAA2222", created_at="2026-10-31T23:59:59Z"),
            registration("BBBB3333", created_at="2026-11-01T00:00:00Z"),
            registration("CCCC4444", created_at="2026-11-30T23:59:59Z"),
            registration("DDDD5555", created_at="2026-12-01T00:00:00Z"),
            registration("EEEE6666", created_at="2026-11-15T10:00:00Z", branch="montreal"),
        ]
    )
    data, count = exports.export_branch(
        store, "mauricie", date(2026, 11, 1), date(2026, 11, 30), CONTENT
    )
    assert count == 2
    assert [row[0] for row in rows(data)[1:]] == ["BBBB3333", "CCCC4444"]


# --- Summary ------------------------------------------------------------------------------


def test_summary_counts_against_regional_targets() -> None:
    store = MemoryStaffStore(
        [
            registration("AAAA2222"),
            registration("BBBB3333", region="17"),
            registration("CCCC4444", region="17", kind="waitlist", phase="waitlist"),
            registration("DDDD5555", branch="montreal", region="06"),
            assessment("AAAA2222", "2026-11-11T10:00:00Z", "beginner"),
            assessment("AAAA2222", "2026-11-20T10:00:00Z", "intermediate"),
            assessment("DDDD5555", "2026-11-12T10:00:00Z", "advanced"),
        ]
    )
    regs, levels = summary.collect(store, CONTENT, date(2026, 1, 1), date(2026, 12, 31))
    result = summary.summarise(regs, levels, CONTENT)

    assert result.total == 4
    assert result.by_branch == {"mauricie": 3, "montreal": 1}
    assert result.by_kind == {"registration": 3, "waitlist": 1}
    assert result.by_phase == {"open": 3, "waitlist": 1}
    # The latest assessment counts; a registration without one is "none".
    assert result.by_level == {"intermediate": 1, "advanced": 1, "none": 2}
    regions = {region.code: region for region in result.regions}
    assert (regions["04"].count, regions["04"].target) == (1, 154)
    assert regions["04"].percent_of_target == pytest.approx(0.6)
    # The waitlist entry does not count towards the target.
    assert (regions["17"].count, regions["17"].target) == (1, 132)
    assert regions["06"].target is None and regions["06"].percent_of_target is None
    text = summary.render_text(result, CONTENT)
    assert "ÉEQ – Mauricie" in text and "154" in text


# --- Privacy requests ---------------------------------------------------------------------


def privacy_store() -> MemoryStaffStore:
    return MemoryStaffStore(
        [
            registration("AAAA2222", email="josee@example.ca", neq="1170000001"),
            neq_guard("1170000001", "AAAA2222"),
            assessment("AAAA2222", "2026-11-11T10:00:00Z", "beginner"),
            # The same person registered a second business.
            registration("BBBB3333", email=" JOSEE@example.CA ", neq="1170000002"),
            neq_guard("1170000002", "BBBB3333"),
            # Someone else.
            registration("CCCC4444", email="autre@example.ca", neq="1170000003"),
            neq_guard("1170000003", "CCCC4444"),
            {"pk": "ASM#x1", "sk": "ASM", "kind": "assessment", "level": "beginner"},
        ]
    )


@pytest.mark.parametrize(
    "lookup",
    [
        privacy.Lookup(email="Josee@Example.ca"),
        privacy.Lookup(neq="1170 000 001"),
        privacy.Lookup(reference="aaaa2222"),
    ],
)
def test_find_reaches_every_record_of_the_person_from_any_identifier(
    lookup: privacy.Lookup,
) -> None:
    findings = privacy.find(privacy_store(), lookup)
    assert findings.references == ["AAAA2222", "BBBB3333"]
    assert findings.keys == [
        ("NEQ#1170000001", "NEQ"),
        ("NEQ#1170000002", "NEQ"),
        ("REG#AAAA2222", "ASM#2026-11-11T10:00:00Z#a00"),
        ("REG#AAAA2222", "REG"),
        ("REG#BBBB3333", "REG"),
    ]


def test_find_of_an_unknown_person_is_empty() -> None:
    assert privacy.find(privacy_store(), privacy.Lookup(email="nobody@example.ca")).keys == []


def test_export_json_holds_every_item_in_plain_values() -> None:
    findings = privacy.find(privacy_store(), privacy.Lookup(reference="BBBB3333"))
    document = json.loads(privacy.to_json(findings, "2026-11-28T10:00:00Z"))
    registration_out = next(item for item in document["items"] if item["sk"] == "REG")
    assert registration_out["employees"] == 12
    assert registration_out["contact_name"] == "Josée Côté"
    assert len(document["items"]) == 5


def test_erase_deletes_the_persons_records_and_nothing_else() -> None:
    store = privacy_store()
    findings = privacy.find(store, privacy.Lookup(email="josee@example.ca"))
    assert privacy.erase(store, findings) == 5
    assert sorted(store.items) == [
        ("ASM#x1", "ASM"),
        ("NEQ#1170000003", "NEQ"),
        ("REG#CCCC4444", "REG"),
    ]


# --- Command line and audit ---------------------------------------------------------------

PERSONAL = ("josee", "Josée", "Côté", "1170000001", "5145550123", "AAAA2222", "Élan")


def assert_no_personal_data(item: dict[str, Any]) -> None:
    text = json.dumps(item, default=str, ensure_ascii=False).lower()
    for value in PERSONAL:
        assert value.lower() not in text
    digest = hashlib.sha256(b"josee@example.ca").hexdigest()
    assert digest not in text


def test_cli_erase_is_a_dry_run_without_yes_then_erases_and_audits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = privacy_store()
    argv = ["privacy", "erase", "--email", "josee@example.ca"]
    assert cli.main(argv, store_factory=lambda _args: store) == 0
    assert len(store.items) == 8 and store.audits == []

    assert cli.main([*argv, "--yes"], store_factory=lambda _args: store) == 0
    assert len(store.items) == 3 + 1  # the other person, the lone assessment… and the audit
    [audit] = store.audits
    assert audit["pk"].startswith("AUDIT#20") and audit["kind"] == "audit"
    assert (audit["action"], audit["count"], audit["lookup"], audit["actor"]) == (
        "privacy_erase",
        5,
        "email",
        "test",
    )
    assert_no_personal_data(audit)
    assert "5 élément(s) effacé(s)" in capsys.readouterr().out


def test_cli_export_writes_the_file_and_audits_without_personal_data(tmp_path: Path) -> None:
    store = privacy_store()
    output = tmp_path / "out.csv"
    argv = ["export", "--branch", "mauricie", "--from", "2026-11-01", "--to", "2026-11-30"]
    assert cli.main([*argv, "--output", str(output)], store_factory=lambda _args: store) == 0
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")
    assert output.stat().st_mode & 0o077 == 0  # personal data: owner only
    assert len(rows(output.read_bytes())) == 1 + 3
    [audit] = store.audits
    assert (audit["action"], audit["count"], audit["branch"]) == ("export", 3, "mauricie")
    assert_no_personal_data(audit)


def test_cli_privacy_export_and_find_are_audited(tmp_path: Path) -> None:
    store = privacy_store()
    output = tmp_path / "person.json"
    factory = lambda _args: store  # noqa: E731
    assert (
        cli.main(["privacy", "export", "--neq", "1170000001", "--output", str(output)], factory)
        == 0
    )
    assert cli.main(["privacy", "find", "--reference", "AAAA2222"], factory) == 0
    assert [(a["action"], a["count"], a["lookup"]) for a in store.audits] == [
        ("privacy_export", 5, "neq"),
        ("privacy_find", 5, "reference"),
    ]
    assert "Josée Côté" in output.read_text(encoding="utf-8")
    for audit in store.audits:
        assert_no_personal_data(audit)


def test_cli_rejects_an_unknown_branch(capsys: pytest.CaptureFixture[str]) -> None:
    store = privacy_store()
    assert cli.main(["export", "--branch", "gaspesie"], lambda _args: store) == 2
    assert "unknown branch" in capsys.readouterr().err
    assert store.audits == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_mail_preview_fills_the_templates_without_aws(
    language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_store(_args: object) -> MemoryStaffStore:
        raise AssertionError("the preview needs no table")

    assert cli.main(["mail-preview", "--language", language], no_store) == 0
    out = capsys.readouterr().out
    assert out.count("Subject: ") == 2  # the merchant's confirmation and the branch notice
    assert "ABCD2345" in out and "${" not in out
    assert ("Prochaine étape" if language == "fr" else "Next step") in out


# --- Retention, erasure of what is tied to the person, resend ------------------------------

PAST = Decimal(1_700_000_000)  # 2023-11-14: past any retention


def test_export_and_summary_skip_registrations_past_their_retention() -> None:
    store = MemoryStaffStore(
        [
            registration("AAAA2222"),
            # TTL has not deleted it yet (it can lag by days): the commands must not show it.
            registration("BBBB3333", expires_at=PAST),
        ]
    )
    data, count = exports.export_branch(
        store, "mauricie", date(2026, 1, 1), date(2026, 12, 31), CONTENT
    )
    assert count == 1 and [row[0] for row in rows(data)[1:]] == ["AAAA2222"]
    regs, _levels = summary.collect(store, CONTENT, date(2026, 1, 1), date(2026, 12, 31))
    assert [item["reference"] for item in regs] == ["AAAA2222"]


def test_privacy_shows_only_what_is_within_retention_and_erases_the_expired_too() -> None:
    store = privacy_store()
    store.put(registration("DDDD5555", email="josee@example.ca", neq="1170000004", expires_at=PAST))
    findings = privacy.find(store, privacy.Lookup(email="josee@example.ca"))
    assert findings.references == ["AAAA2222", "BBBB3333"]
    assert ("REG#DDDD5555", "REG") not in findings.keys
    document = json.loads(privacy.to_json(findings, "2026-11-28T10:00:00Z"))
    assert "DDDD5555" not in json.dumps(document)
    assert list(findings.expired) == [("REG#DDDD5555", "REG")]

    assert privacy.erase(store, findings) == 6
    assert ("REG#DDDD5555", "REG") not in store.items


def test_erase_deletes_the_idempotency_record_counters_and_refusals_of_the_person() -> None:
    store = privacy_store()
    store.put(
        registration(
            "EEEE6666",
            email="josee@example.ca",
            neq="1170000005",
            idempotency_key="registration.fn#aaa",
        )
    )
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    counter = {
        **keys.mail_count("josee@example.ca", today),
        "references": {"EEEE6666"},
        "expires_at": Decimal(4_000_000_000),
    }
    refusal = {
        **keys.mail_refused("2026-11-10T14:03:00Z", "EEEE6666", "merchant"),
        "kind": "mail_refused",
        "reference": "EEEE6666",
        "error_code": "MessageRejected",
    }
    someone_else = {**keys.mail_count("autre@example.ca", today), "references": {"CCCC4444"}}
    for item in (counter, refusal, someone_else):
        store.put(item)
    store.idempotency = {"registration.fn#aaa", "registration.fn#other"}

    findings = privacy.find(store, privacy.Lookup(reference="EEEE6666"))
    assert (counter["pk"], counter["sk"]) in findings.keys
    assert (refusal["pk"], refusal["sk"]) in findings.keys
    assert findings.idempotency_keys == {"registration.fn#aaa"}

    privacy.erase(store, findings)
    assert store.idempotency == {"registration.fn#other"}
    assert (counter["pk"], counter["sk"]) not in store.items
    assert (refusal["pk"], refusal["sk"]) not in store.items
    assert (someone_else["pk"], someone_else["sk"]) in store.items


def test_cli_erase_dry_run_counts_the_idempotency_records(
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = privacy_store()
    store.put(
        registration(
            "EEEE6666",
            email="x@example.ca",
            neq="1170000005",
            idempotency_key="registration.fn#aaa",
        )
    )
    store.idempotency = {"registration.fn#aaa"}
    assert cli.main(["privacy", "erase", "--reference", "EEEE6666"], lambda _a: store) == 0
    out = capsys.readouterr().out
    assert "1 enregistrement(s) d’idempotence" in out and "2 élément(s) à effacer" in out
    assert store.idempotency == {"registration.fn#aaa"}


def test_cli_resend_hands_the_registrations_to_the_notifier_as_the_stream_would(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBStreamEvent,
    )

    store = privacy_store()
    store.put(registration("OLDD2222", expires_at=PAST))
    events: list[dict[str, Any]] = []

    def notifier(event: dict[str, Any]) -> dict[str, Any]:
        events.append(event)
        return {"batchItemFailures": [{"itemIdentifier": "1"}]}  # the second one failed

    argv = ["resend", "--reference", "aaaa2222", "--reference", "CCCC4444"]
    argv += ["--reference", "OLDD2222", "--reference", "NONE2222"]
    assert cli.main(argv, lambda _a: store, lambda _a: notifier) == 1
    [event] = events
    records = list(DynamoDBStreamEvent(event).records)
    assert [r.event_name.name for r in records] == ["INSERT", "INSERT"]
    assert [r.dynamodb.new_image["reference"] for r in records] == ["AAAA2222", "CCCC4444"]
    assert records[0].dynamodb.new_image["employees"] == 12
    out = capsys.readouterr().out
    assert "AAAA2222  transmis" in out and "CCCC4444  ÉCHEC" in out
    assert "OLDD2222  introuvable" in out and "NONE2222  introuvable" in out
    [audit] = store.audits
    assert (audit["action"], audit["count"]) == ("resend", 1)
    assert_no_personal_data(audit)


def test_cli_mail_refused_lists_a_months_refusals_without_addresses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = MemoryStaffStore(
        [
            {
                **keys.mail_refused("2026-11-10T14:03:00Z", "AAAA2222", "merchant"),
                "reference": "AAAA2222",
                "purpose": "merchant",
                "branch": "mauricie",
                "error_code": "MessageRejected",
                "refused_at": "2026-11-10T14:03:05Z",
            },
            {
                **keys.mail_refused("2026-10-10T14:03:00Z", "BBBB3333", "merchant"),
                "reference": "BBBB3333",
                "purpose": "merchant",
                "error_code": "BadRequestException",
            },
        ]
    )
    assert cli.main(["mail-refused", "--month", "2026-11"], lambda _a: store) == 0
    out = capsys.readouterr().out
    assert "AAAA2222  merchant  mauricie  MessageRejected" in out
    assert "BBBB3333" not in out and "1 courriel(s) refusé(s)" in out


# --- The coaching funnel -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(0, 120))
def test_the_funnel_matches_a_recount_of_a_random_population(seed: int, count: int) -> None:
    planned = funnel_population.plan(random.Random(seed), count)  # noqa: S311 - a test population
    store = MemoryStaffStore(funnel_population.items(planned))
    registrations, linked = summary.collect(store, CONTENT, date(2026, 1, 1), date(2026, 12, 31))
    document = summary.to_document(summary.summarise(registrations, linked, CONTENT))
    assert document["funnel"] == funnel_population.expected(planned)


def test_reassessed_needs_two_assessments_the_latest_after_the_first_meeting() -> None:
    base = registration("AAAA2222", coaching_first_meeting_on="2026-11-15")

    def reached(*days: str) -> set[str]:
        linked = [{"sk": f"ASM#{day}T10:00:00Z#x{n}"} for n, day in enumerate(days)]
        return set(summary.stages(base, linked))

    assert reached() == {"registered", "coached"}
    # One assessment, even after the meeting, is the starting point (T0).
    assert reached("2026-11-20") == {"registered", "assessed", "coached"}
    # Taken during the first meeting, then before: not a reassessment after coaching began.
    assert "reassessed" not in reached("2026-11-01", "2026-11-15")
    assert "reassessed" in reached("2026-11-01", "2026-11-16")
    assert "reassessed" in reached("2026-11-20", "2026-12-20")
    # Not coached: never reassessed, however many assessments.
    uncoached = registration("BBBB3333")
    linked = [{"sk": "ASM#2026-11-01T10:00:00Z#a"}, {"sk": "ASM#2026-12-01T10:00:00Z#b"}]
    assert set(summary.stages(uncoached, linked)) == {"registered", "assessed"}
    assert summary.stages(registration("CCCC4444", kind="waitlist"), linked) == frozenset()


def test_the_summary_prints_the_funnel_per_branch_and_region() -> None:
    store = MemoryStaffStore(
        [
            registration("AAAA2222", coaching_first_meeting_on="2026-11-12"),
            assessment("AAAA2222", "2026-11-11T10:00:00Z", "starting"),
            assessment("AAAA2222", "2026-12-01T10:00:00Z", "developing"),
            registration("DDDD5555", branch="montreal", region="06"),
        ]
    )
    registrations, linked = summary.collect(store, CONTENT, date(2026, 1, 1), date(2026, 12, 31))
    text = summary.render_text(summary.summarise(registrations, linked, CONTENT), CONTENT)
    funnel = text[text.index("Parcours / Funnel") :].splitlines()
    assert funnel[1].split() == ["inscrits", "bilan", "accomp.", "rebilan"]
    assert funnel[2].split() == ["registered", "assessed", "coached", "reassessed"]
    lines = {line[:47].strip(): line[47:].split() for line in funnel[3:] if line.startswith("  ")}
    assert lines["ÉEQ – Mauricie"] == ["1", "1", "1", "1"]
    assert lines["ÉEQ – Montréal (centre principal)"] == ["1", "0", "0", "0"]
    assert lines["04 Mauricie"] == ["1", "1", "1", "1"]
    assert lines["Total"] == ["2", "1", "1", "1"]
    # Without the assessments read, their stages are unknown, not zero.
    unread = summary.render_text(summary.summarise(registrations, None, CONTENT), CONTENT)
    assert "—" in unread[unread.index("Parcours / Funnel") :]


# --- Coaching steps (the rules; the command on moto: tests/integration) -----------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("6", Decimal(6)), ("4,5", Decimal("4.5")), ("0.25", Decimal("0.25"))]
)
def test_hours_accept_french_decimals_in_quarter_hours(typed: str, stored: Decimal) -> None:
    assert coaching.parse_hours(typed) == stored


@pytest.mark.parametrize("typed", ["-1", "1001", "1.1", "six", "inf", ""])
def test_hours_refuse_what_is_not_quarter_hours_from_0_to_1000(typed: str) -> None:
    with pytest.raises(coaching.CoachingRefused, match=r"Heures invalides.*Invalid hours"):
        coaching.parse_hours(typed)


def test_a_callback_list_entry_has_no_coaching() -> None:
    store = MemoryStaffStore([registration("VNB-AAAA-2222", kind="waitlist", phase="waitlist")])
    change = coaching.CoachingChange(steps={"contacted": date(2026, 11, 20)})
    with pytest.raises(coaching.CoachingRefused, match="callback-list entry"):
        coaching.record(store, "VNB-AAAA-2222", change, datetime(2026, 11, 30, tzinfo=UTC))
    assert store.audits == []


def test_the_command_finds_a_reference_however_it_is_typed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = MemoryStaffStore([registration("VNB-7K3F-9Q2M")])
    argv = ["coaching", "vnb 7k3f 9q2m", "--step", "contacted", "--date", "2026-11-20"]
    assert cli.main(argv, lambda _args: store) == 0
    assert store.items[("REG#VNB-7K3F-9Q2M", "REG")]["coaching_contacted_on"] == "2026-11-20"
    [audit] = store.audits
    assert (audit["action"], audit["changes"], audit["branch"]) == (
        "coaching",
        "contacted",
        "mauricie",
    )
    assert "7K3F" not in json.dumps(audit, default=str)
    assert "VNB-7K3F-9Q2M (mauricie)" in capsys.readouterr().out
