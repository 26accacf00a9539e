"""A registration's results over time, its peers and "send me my result", on moto: the
assessment function's pages and its new route, as API Gateway calls them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

import pytest
import yaml
from forms_events import (
    FakeContext,
    check_then_send_json,
    follow,
    form_event,
    get_event,
    hidden_fields,
    json_event,
    response_json,
    valid_registration,
)
from forms_support import TABLES

EMAIL = "josee.cote@example.ca"


def assess(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import assessment

    return dict(assessment.lambda_handler(event, FakeContext()))


def register(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import registration

    return dict(registration.lambda_handler(event, FakeContext()))


def questionnaire(data_dir: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((data_dir / "assessment.yml").read_text(encoding="utf-8")))


def answers_picking(data_dir: Path, pick: int) -> dict[str, str]:
    return {
        f"answers.{q['id']}": q["options"][pick]["code"]
        for d in questionnaire(data_dir)["dimensions"]
        for q in d["questions"]
    }


def registered(*, confirmed: bool = True, **overrides: Any) -> str:
    from forms_api.handlers import registration

    payload = valid_registration(email=EMAIL, **overrides)
    reference = str(
        response_json(check_then_send_json(register, "/registrations", payload))["reference"]
    )
    if confirmed:
        token = registration.email_confirmation_token(reference)
        assert register(get_event("/registrations/confirm", {"token": token}))["statusCode"] == 200
    return reference


def result_page(
    data_dir: Path, reference: str | None, pick: int, lang: str = "fr", attempt: str = ""
) -> dict[str, Any]:
    """A browser's assessment post and the result page its 303 leads to."""
    fields: dict[str, Any] = {**answers_picking(data_dir, pick), "language": lang}
    if reference:
        fields["reference"] = reference
    if attempt:
        fields["attempt_id"] = attempt
    page = follow(assess(form_event("/assessments", fields)), assess)
    assert page["statusCode"] == 200, page["body"][:300]
    return page


def text(page: dict[str, Any]) -> str:
    """The page's main text, tags dropped, spaces collapsed."""
    main = page["body"]
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def strings(data_dir: Path, lang: str = "fr") -> dict[str, Any]:
    return dict(yaml.safe_load((data_dir / "i18n" / f"{lang}.yml").read_text(encoding="utf-8")))


def scan(client: Any) -> list[dict[str, Any]]:
    return list(client.scan(TableName=TABLES["ProgramTable"])["Items"])


def before_after_rows(page: dict[str, Any]) -> list[tuple[str, ...]]:
    """The before/after table's rows: (dimension, before, now, change)."""
    section = page["body"].split('id="vnb-before-after"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", section
    )
    return [tuple(unescape(cell) for cell in row) for row in rows]


# --- before / now -----------------------------------------------------------------------


def test_a_first_linked_assessment_shows_its_result_and_invites_a_retake(
    dynamodb: Any, forms_env: Path
) -> None:
    reference = registered()
    page = result_page(forms_env, reference, 0)
    t = strings(forms_env)["form"]
    assert t["first_assessment_note"] in text(page)
    assert 'id="vnb-before-after"' not in page["body"]
    assert f"?reference={reference}" in page["body"]  # the retake link carries it


def test_a_t0_and_a_t1_of_one_registration_give_before_and_now(
    dynamodb: Any, forms_env: Path
) -> None:
    reference = registered()
    result_page(forms_env, reference, 0)  # T0: every first option, 0 points
    page = result_page(forms_env, reference, -1)  # T1: every last option, 100 points
    dimensions = questionnaire(forms_env)["dimensions"]
    rows = before_after_rows(page)
    assert [row[0] for row in rows] == [d["name"]["fr"] for d in dimensions]
    assert all(row[1:] == ("0", "100", "+100") for row in rows)
    # The chart: two bars per dimension, drawn from the same figures (an SVG, no script).
    chart = page["body"].split('<svg class="vnb-chart-svg"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('class="vnb-bar-before"') == len(dimensions)
    assert chart.count('class="vnb-bar-value" x="0"') == len(dimensions)
    assert 'width="200" height="10"/>\n<text class="vnb-chart-value"' in chart
    assert "style=" not in chart and "<script" not in page["body"].split("</h1>", 1)[1]
    # What improved: every dimension, by 100 points.
    t = strings(forms_env)["form"]
    assert t["improved_title"] in text(page)
    first_line = t["improved_line"].format(
        name=dimensions[0]["name"]["fr"], delta=100, before=0, now=100
    )
    assert first_line in text(page)


def test_a_retake_that_improved_nothing_says_so(dynamodb: Any, forms_env: Path) -> None:
    reference = registered()
    result_page(forms_env, reference, -1, attempt="attempt-one-0001")
    page = result_page(forms_env, reference, 0, lang="en", attempt="attempt-two-0002")
    rows = before_after_rows(page)
    assert all(row[1:] == ("100", "0", "\u2212100") for row in rows)
    assert strings(forms_env, "en")["form"]["improved_none"] in text(page)


def test_an_unlinked_assessment_shows_its_result_and_how_linking_helps(
    dynamodb: Any, forms_env: Path
) -> None:
    page = result_page(forms_env, None, 0)
    t = strings(forms_env)["form"]
    shown = text(page)
    assert t["peers_unlinked"] in shown and t["mail_result_unlinked"] in shown
    assert "/api/assessments/mail" not in page["body"]
    assert t["print_result"] in shown


# --- peers ------------------------------------------------------------------------------


def _write_peers(dynamodb: Any, forms_env: Path, groups: dict[str, Any], k: int = 10) -> None:
    import boto3
    from progress.peer_refresh import peers_item

    table = boto3.resource("dynamodb", region_name="ca-central-1").Table(TABLES["ProgramTable"])
    table.put_item(
        Item=peers_item(
            {
                "version": 1,
                "as_of": "2026-11-30T03:00:00Z",
                "k": k,
                "basis": "latest",
                "groups": groups,
            }
        )
    )


def test_the_result_shows_the_published_groups_of_its_registration_only(
    dynamodb: Any, forms_env: Path
) -> None:
    reference = registered(region="04", sector="clothing", employees=12)
    medians = {d["id"]: 40 for d in questionnaire(forms_env)["dimensions"]}
    # Mauricie and clothing are published; the 10–19 band is not (fewer than k), and
    # another region is, which this business must not see.
    _write_peers(
        dynamodb,
        forms_env,
        {
            "region": {"04": medians, "06": {**medians, "ecommerce": 99}},
            "sector": {"clothing": medians},
            "size": {},
        },
    )
    page = result_page(forms_env, reference, -1)
    table = page["body"].split('data-vnb-table="peers"', 1)[1].split("</table>", 1)[0]
    headers = re.findall(r'<th scope="col">(.*?)</th>', table)
    assert headers[2:] == ["Mauricie", "Votre secteur"]
    # Neither the sector nor the head count by name: a reference alone must not tell them.
    assert "Vêtements" not in page["body"] and "Votre taille" not in table and "99" not in table
    assert re.search(r"<td>100</td><td>40</td><td>40</td>", table)


def test_no_published_group_says_there_are_not_enough_businesses_yet(
    dynamodb: Any, forms_env: Path
) -> None:
    reference = registered(region="04", sector="clothing", employees=12)
    medians = {d["id"]: 40 for d in questionnaire(forms_env)["dimensions"]}
    # A document computed with a k smaller than the program's is not shown either.
    _write_peers(dynamodb, forms_env, {"region": {"04": medians}, "sector": {}, "size": {}}, k=5)
    page = result_page(forms_env, reference, -1)
    assert 'data-vnb-table="peers"' not in page["body"]
    assert strings(forms_env)["form"]["peers_none"].replace("{k}", "10") in text(page)


def test_refresh_peers_writes_the_item_the_result_page_reads(
    dynamodb: Any, forms_env: Path
) -> None:
    """The writer the scheduled function will call, over a seeded population, and the page."""
    import boto3
    from content_model import load_content
    from progress.peer_refresh import refresh_peers
    from progress.seed import population
    from progress.source import MemoryProgressSource

    content = load_content(forms_env)
    items = list(population(content, 600, seed=7))
    table = boto3.resource("dynamodb", region_name="ca-central-1").Table(TABLES["ProgramTable"])
    document = refresh_peers(
        MemoryProgressSource(items), table, content, datetime(2026, 11, 30, tzinfo=UTC)
    )
    stored = dynamodb.get_item(
        TableName=TABLES["ProgramTable"], Key={"pk": {"S": "AGG#peers"}, "sk": {"S": "AGG"}}
    )["Item"]
    assert stored["k"] == {"N": "10"} and "groups" in stored
    assert "FAKE-" not in str(stored) and "example.invalid" not in str(stored)
    montreal = document["groups"]["region"]["06"]
    reference = registered(region="06", sector="food", employees=3)
    page = result_page(forms_env, reference, -1)
    table_html = page["body"].split('data-vnb-table="peers"', 1)[1].split("</table>", 1)[0]
    first = questionnaire(forms_env)["dimensions"][0]
    assert re.search(
        rf"{re.escape(first['name']['fr'])}</th><td>100</td><td>{montreal[first['id']]}</td>",
        table_html,
    )


# --- send me my result ------------------------------------------------------------------


def mail_form(page: dict[str, Any]) -> dict[str, str]:
    form = page["body"].split('action="/api/assessments/mail"', 1)[1].split("</form>", 1)[0]
    return hidden_fields("<form" + form)


def ask_mail(page: dict[str, Any]) -> dict[str, Any]:
    """Press "E-mail me my result": the 303 back to the result page, and that page."""
    answer = assess(form_event("/assessments/mail", mail_form(page)))
    assert answer["statusCode"] == 303
    location = answer["headers"]["Location"]
    assert EMAIL not in location and "%40" not in location  # no personal data in a URL
    return follow(answer, assess)


def requests(client: Any) -> list[dict[str, Any]]:
    return [i for i in scan(client) if i["sk"]["S"].startswith("MAILREQ#")]


def test_send_me_my_result_asks_the_notifier_once_per_day_for_the_confirmed_address(
    dynamodb: Any, forms_env: Path
) -> None:
    reference = registered()
    page = result_page(forms_env, reference, 0)
    from forms_api.domain.rules import mask_email

    assert mask_email(EMAIL) in text(page)  # the masked address is shown
    assert EMAIL not in page["body"]
    shown = ask_mail(page)
    t = strings(forms_env)["form"]
    assert t["mail_sent"] in text(shown)
    (request,) = requests(dynamodb)
    assert request["pk"]["S"] == f"REG#{reference}"
    assert request["kind"]["S"] == "results_mail"
    # Codes and scores only: no address, no answers.
    assert "email" not in request and "answers" not in request
    assert EMAIL not in str(request)
    # Pressed again (or the page reloaded and pressed): one request, one count.
    again = ask_mail(page)
    assert t["mail_already"] in text(again)
    assert len(requests(dynamodb)) == 1
    counts = [i for i in scan(dynamodb) if i["pk"]["S"].startswith("MAILCOUNT#")]
    assert len(counts) == 1 and len(counts[0]["references"]["SS"]) == 1


def test_the_daily_limit_of_the_address_bounds_result_mails(dynamodb: Any, forms_env: Path) -> None:
    reference = registered()
    outcomes = []
    for number in range(4):
        page = result_page(forms_env, reference, number % 2 - 1, attempt=f"attempt-{number:04d}-x")
        shown = ask_mail(page)
        outcomes.append(re.search(r'data-vnb-notice="([a-z_]+)"', shown["body"]).group(1))  # type: ignore[union-attr]
    assert outcomes == ["mail_sent", "mail_sent", "mail_sent", "results_mail_limited"]
    assert len(requests(dynamodb)) == 3
    limited = strings(forms_env)["errors"]["results_mail_limited"]
    assert limited in text(shown)


def test_an_unconfirmed_address_gets_no_button_and_no_mail(
    dynamodb: Any, forms_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.domain import tokens
    from forms_api.handlers import assessment
    from forms_api.signing import current_key

    reference = registered(confirmed=False)
    page = result_page(forms_env, reference, 0)
    assert "/api/assessments/mail" not in page["body"]
    assert strings(forms_env)["form"]["mail_result_unconfirmed"] in text(page)
    # A button token made anyway (as from a page shown before an erasure…): nothing asked.
    (item,) = [i for i in scan(dynamodb) if i["sk"]["S"].startswith("ASM#")]
    now = int(datetime.now(UTC).timestamp())
    token = tokens.sign(
        current_key(), assessment.MAIL, now, 600, pk=item["pk"]["S"], sk=item["sk"]["S"], l="fr"
    )
    answer = assess(json_event("/assessments/mail", {"token": token}))
    assert answer["statusCode"] == 409
    assert [e["code"] for e in response_json(answer)["errors"]] == ["results_mail_unavailable"]
    assert requests(dynamodb) == []


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ({}, "json", 400),
        ({"token": ""}, "json", 400),
        ({"token": "x" * 3000}, "json", 400),
        ({"token": "abc.def"}, "json", 400),
        ({"token": "abc.def", "colour": "blue"}, "json", 400),
        ({"token": "abc.def", "language": "en"}, "form", 400),
        ({"language": "en"}, "form", 400),
        ({"token": ["a", "b"], "language": "en"}, "form", 400),
    ],
)
def test_bad_input_to_send_me_my_result_is_a_4xx_in_the_visitors_language(
    dynamodb: Any, forms_env: Path, body: dict[str, Any], content_type: str, status: int
) -> None:
    if content_type == "json":
        answer = assess(json_event("/assessments/mail", body))
        assert answer["statusCode"] == status
        assert response_json(answer)["errors"]
    else:
        pairs = [
            (k, v)
            for k, values in body.items()
            for v in (values if isinstance(values, list) else [values])
        ]
        from urllib.parse import urlencode

        from forms_events import http_event

        event = http_event(
            "/assessments/mail",
            urlencode(pairs),
            "application/x-www-form-urlencoded",
            base64_body=True,
        )
        answer = assess(event)
        assert answer["statusCode"] == status
        assert answer["headers"]["Content-Type"].startswith("text/html")
        assert '<html lang="en"' in answer["body"] or 'lang="en"' in answer["body"]
    assert requests(dynamodb) == []


def test_a_tampered_or_expired_button_token_gets_the_link_problem_page(
    dynamodb: Any, forms_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.handlers import runtime

    reference = registered()
    fields = mail_form(result_page(forms_env, reference, 0, lang="en"))
    payload, _, signature = fields["token"].partition(".")
    forged = assess(
        form_event("/assessments/mail", {**fields, "token": payload + "." + signature[::-1]})
    )
    link_title = strings(forms_env, "en")["form"]["link_problem_title"]
    assert forged["statusCode"] == 400 and link_title in forged["body"]
    later = datetime.now(UTC) + timedelta(days=8)
    monkeypatch.setattr(runtime, "now", lambda: later)
    expired = assess(form_event("/assessments/mail", fields))
    assert expired["statusCode"] == 410 and link_title in expired["body"]
    assert requests(dynamodb) == []


# --- the results link (sent by e-mail) --------------------------------------------------


def test_the_results_link_lists_every_result_and_expires(
    dynamodb: Any, forms_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api import links
    from forms_api.handlers import runtime

    reference = registered()
    result_page(forms_env, reference, 0)
    result_page(forms_env, reference, -1)
    token = links.results_token(reference, "en", runtime.now())
    page = assess(get_event("/assessments/results", {"token": token}))
    assert page["statusCode"] == 200
    t = strings(forms_env, "en")["form"]
    assert t["results_title"] in page["body"] and reference in page["body"]
    headers = re.findall(r'<th scope="col">(T\d)<br>', page["body"])
    assert headers == ["T0", "T1"]
    # Each column opens its own result page, a fresh signed address.
    hrefs = re.findall(r'href="(/api/assessments/result\?token=[^"]+)"', page["body"])
    assert len(hrefs) == 2
    opened = assess(
        get_event("/assessments/result", dict(parse_qsl(urlparse(unescape(hrefs[1])).query)))
    )
    assert opened["statusCode"] == 200 and 'id="vnb-before-after"' in opened["body"]
    assert before_after_rows(page)[0][1:] == ("0", "100", "+100")
    # Tampered, another purpose (a result page's token), expired: the link problem page.
    payload, _, signature = token.partition(".")
    tampered = assess(
        get_event("/assessments/results", {"token": payload[:-2] + "xx." + signature})
    )
    assert tampered["statusCode"] == 400
    result_token = dict(parse_qsl(urlparse(unescape(hrefs[0])).query))["token"]
    other = assess(get_event("/assessments/results", {"token": result_token}))
    assert other["statusCode"] == 400
    later = runtime.now() + timedelta(days=31)
    monkeypatch.setattr(runtime, "now", lambda: later)
    expired = assess(get_event("/assessments/results", {"token": token}))
    assert expired["statusCode"] == 410
    assert t["link_problem_title"] in expired["body"]


def test_the_results_link_is_never_handed_out_for_a_reference(
    dynamodb: Any, forms_env: Path
) -> None:
    """Only the notifier signs it, for a confirmed address: no answer of the API carries it."""
    reference = registered()
    fields = {**answers_picking(forms_env, 0), "reference": reference}
    posted = assess(form_event("/assessments", fields))
    shown = follow(posted, assess)
    as_json = assess(
        json_event(
            "/assessments",
            {
                "answers": {
                    k.removeprefix("answers."): v for k, v in answers_picking(forms_env, -1).items()
                },
                "reference": reference,
            },
        )
    )
    for answer in (posted, shown, as_json):
        assert "/assessments/results" not in str(answer)


def test_an_erased_registration_has_no_results_page(dynamodb: Any, forms_env: Path) -> None:
    from forms_api import links
    from forms_api.handlers import runtime

    reference = registered()
    token = links.results_token(reference, "fr", runtime.now())
    dynamodb.delete_item(
        TableName=TABLES["ProgramTable"], Key={"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}}
    )
    gone = assess(get_event("/assessments/results", {"token": token}))
    assert gone["statusCode"] == 400


def test_a_busy_counter_is_a_503_retry_never_a_500(
    dynamodb: Any, forms_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError
    from forms_api.handlers import assessment

    reference = registered()
    fields = mail_form(result_page(forms_env, reference, 0, lang="en"))

    def throttled(*_args: Any) -> bool:
        raise ClientError(
            {"Error": {"Code": "ThrottlingException"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
            "UpdateItem",
        )

    monkeypatch.setattr(assessment.mail_ledger(), "admit_hash", throttled)
    answer = assess(form_event("/assessments/mail", fields))
    assert answer["statusCode"] == 503 and answer["headers"]["Retry-After"] == "5"
    assert 'lang="en"' in answer["body"]
    assert requests(dynamodb) == []
