""" "Send me my result by e-mail": the request the assessment function stores, and the mail
the notifier makes of it.

The path is the confirmation mail's: the API stores a request item (in the registration's
partition, `keys.results_mail`), the table's stream hands it to the notifier, which alone
may send mail (SES). The request holds codes and scores, never an address: the notifier
reads the registration's address when it sends, and only if that address is confirmed, so
the mail can only ever go to the address the merchant proved they read, and a registration
erased in between gets nothing. It is counted against that address's daily limit like the
confirmation mails (`mail_ledger`): the API counts it first, to tell the visitor, and the
notifier counts the same request again (the count is a set: once).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from string import Template
from typing import Any

from content_model import Content, Language

from forms_api import keys
from forms_api.domain.models import StoredAssessment
from forms_api.domain.results import summary_lines
from forms_api.mailer import Mail

KIND = "results_mail"
PURPOSE = "results"
# Past the stream's retention (24 h) a request can't be sent: it is kept a little longer.
REQUEST_SECONDS = 2 * 86400


def _iso(moment: datetime) -> str:
    # To the microsecond: two presses in one second are two requests (the second finds the
    # first and is not stored), while a retry of the same write is the same item.
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def request_item(
    reference: str, assessment: StoredAssessment, lang: str, now: datetime
) -> dict[str, Any]:
    """One request per assessment and UTC day (a double click sends one mail)."""
    return {
        **keys.results_mail(reference, now.strftime("%Y-%m-%d"), assessment.assessment_id),
        "kind": KIND,
        "reference": reference,
        "assessment_id": assessment.assessment_id,
        "assessed_at": assessment.created_at,
        "scores": dict(assessment.scores),
        "score": assessment.score,
        "language": lang,
        "requested_at": _iso(now),
        "expires_at": int((now + timedelta(seconds=REQUEST_SECONDS)).timestamp()),
    }


def counted_as(request: Mapping[str, Any]) -> str:
    """What the daily count holds for this request (`<reference>#MAILREQ#<day>#<id>`)."""
    return f"{request['reference']}#{request['sk']}"


def idempotency_key(request: Mapping[str, Any]) -> str:
    return f"{request['reference']}#{PURPOSE}#{request['sk']}"


def compose(
    request: Mapping[str, Any], content: Content, to: str, site_url: str, results_url: str
) -> Mail:
    """The mail, in the language of the page it was asked from: levels and scores in the
    content's own words, the signed link. Nothing the visitor typed."""
    lang: Language = "en" if request.get("language") == "en" else "fr"
    scores = {str(d): int(v) for d, v in (request.get("scores") or {}).items()}
    questionnaire = content.questionnaire
    overall = int(request.get("score", 0))
    level = next(x for x in questionnaire.levels if x.code == questionnaire.level_for(overall))
    strings = content.strings_in(lang).mail
    reference = str(request["reference"])
    values = {
        "reference": reference,
        "assessed_on": str(request.get("assessed_at", ""))[:10],
        "overall": f"{level.name(lang)} ({overall} / 100)",
        "summary": "\n".join(f"- {line}" for line in summary_lines(content, scores, lang)),
        "results_url": results_url,
        "link_days": str(_link_days()),
        "site_url": f"{site_url.rstrip('/')}/{lang}/" if site_url else "",
    }
    return Mail(
        purpose=PURPOSE,
        reference=reference,
        to=(to,),
        subject=Template(strings["results_subject"]).substitute(values),
        body=content.mail[lang].template("results").substitute(values),
        count_as=counted_as(request),
    )


def _link_days() -> int:
    from forms_api.settings import get_settings

    return get_settings().results_link_seconds // 86400
