"""DynamoDB stream → e-mails: the merchant's confirmation and the branch's notice of a new
registration, the branch's short notice of each assessment linked to a registration (its
level and three weakest dimensions: the registration's notice usually goes out before the
merchant takes the assessment), and a merchant's "send me my result"
(`forms_api.results_mail`).

Runs after the registration is durably stored, so an e-mail outage never loses
or blocks one. Each mail is its own step, sent or given up on by itself:
- sent at most once per (reference, recipient kind) — per (reference, assessment) for an
  assessment's notice — while its idempotency record lives (24 h, the stream's
  retention): a retried batch does not re-send what went out;
- a merchant's mail goes out only while its address has had fewer than
  `merchant_mails_per_day` mails today (`mail_ledger`): the form cannot make the
  program's address write to a stranger hundreds of times;
- a permanent SES refusal (an address SES cannot take) is recorded under
  `MAILREFUSED#` with its error code, counted (`mail_refused`, alarmed) and not retried;
- a transient failure fails the record, after the other mail was tried: Lambda retries
  it (bisecting the batch) and sends its position to the dead-letter queue at the end;
  the idempotency records keep the retry from re-sending the mail that did go out.

The trade-off of the idempotency record: it is written before SES is called and
deleted if SES fails, so a crash between SES accepting and the record being marked
complete can send one duplicate after the in-progress record expires — a rare
duplicate, never a lost e-mail.

Logs carry references, branch codes and error codes, never an address or a name.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from content_model import cached_content

from forms_api import keys
from forms_api.mail_ledger import DynamoMailLedger, MailLedger
from forms_api.mailer import (
    Mail,
    MailNotSent,
    MailRefused,
    SesMailer,
    assessment_notice,
    mails_for,
)
from forms_api.notice_lookup import DynamoRegistrationLookup, RegistrationLookup
from forms_api.notifier_settings import get_notifier_settings

logger = Logger()
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "VirageNumeriqueBleu"))
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
# A stream keeps records 24 h: no retry can come later than that.
idempotency_config = IdempotencyConfig(event_key_jmespath="key", expires_after_seconds=86400)

SENT, LIMITED, REFUSED, FAILED = "sent", "limited", "refused", "failed"
# The mails to a merchant's address, bounded per address and day (`mail_ledger`).
MERCHANT_PURPOSES = frozenset({"merchant", "results"})


def now() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def get_mailer() -> SesMailer:
    return SesMailer(sender=get_notifier_settings().mail_sender)


@lru_cache(maxsize=1)
def get_ledger() -> MailLedger:
    settings = get_notifier_settings()
    return DynamoMailLedger(
        settings.table_name,
        limit=settings.merchant_mails_per_day,
        count_ttl_seconds=settings.mail_count_ttl_seconds,
        refusal_days=settings.refusal_days,
    )


@lru_cache(maxsize=1)
def get_lookup() -> RegistrationLookup:
    return DynamoRegistrationLookup(get_notifier_settings().table_name)


def deliver(message: dict[str, Any]) -> dict[str, str]:
    """One mail: counted against its address's daily limit if it is the merchant's, then
    sent. A refusal or failure raises, so Powertools forgets the step and a replay can
    send it once the cause is fixed."""
    mail = Mail(**{**message["mail"], "to": tuple(message["mail"]["to"])})
    # Counted and logged here, not by the caller: a replayed step (a retried batch) runs
    # none of this and is neither counted nor logged twice.
    log = {"reference": mail.reference, "purpose": mail.purpose}
    counted = mail.count_as or mail.reference
    if mail.purpose in MERCHANT_PURPOSES and not get_ledger().admit(mail.to[0], counted, now()):
        _count("mail_limited")
        logger.warning("Merchant e-mail over its address's daily limit: not sent", extra=log)
        return {"status": LIMITED}
    message_id = get_mailer().send(mail)
    _count("mail_sent")
    logger.info("E-mail sent", extra=log)
    return {"status": SENT, "message_id": message_id}


@lru_cache(maxsize=1)
def get_deliver_once() -> Any:
    """`deliver(message=…)` guarded by a Powertools idempotency record; built on first use."""
    persistence = DynamoDBPersistenceLayer(
        table_name=get_notifier_settings().idempotency_table_name
    )
    return idempotent_function(
        deliver,
        data_keyword_argument="message",
        persistence_store=persistence,
        config=idempotency_config,
    )


def reset() -> None:
    """Forget the settings and clients (tests start moto first, then call this)."""
    for cache in (get_notifier_settings, get_mailer, get_ledger, get_deliver_once, get_lookup):
        cache.cache_clear()


def _count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def notify(registration: dict[str, Any]) -> dict[str, str]:
    """Try every e-mail a new registration calls for; returns each one's outcome by purpose.

    Raises the first failure other than a permanent refusal once every mail was tried."""
    settings = get_notifier_settings()
    content = cached_content(settings.content_data_dir)
    confirm_url = ""
    if registration.get("status") == "unconfirmed" and registration.get("reference"):
        from forms_api.links import email_confirmation_url

        confirm_url = email_confirmation_url(
            settings.site_url, str(registration["reference"]), now()
        )
    mails = mails_for(
        registration,
        content,
        site_url=settings.site_url,
        fallback=settings.branch_notice_fallback,
        confirm_url=confirm_url,
    )
    log = {"reference": registration.get("reference"), "branch": registration.get("branch")}
    if not any(mail.purpose == "branch" for mail in mails):
        logger.warning("No notice address for this branch: fill branches.yml", extra=log)
    return _send([(f"{mail.reference}#{mail.purpose}", mail) for mail in mails], registration, log)


def _send(
    keyed: list[tuple[str, Mail]], registration: dict[str, Any], log: dict[str, Any]
) -> dict[str, str]:
    """Send each mail once under its idempotency key; a permanent refusal is recorded
    against `registration` (reference, branch, created_at, expires_at). Raises the first
    other failure once every mail was tried."""
    deliver_once = get_deliver_once()
    outcomes: dict[str, str] = {}
    failure: Exception | None = None
    for key, mail in keyed:
        extra = {**log, "purpose": mail.purpose}
        try:
            result = deliver_once(message={"key": key, "mail": asdict(mail)})
        except MailRefused as error:
            get_ledger().record_refusal(registration, mail.purpose, error.code, now())
            _count("mail_refused")
            logger.error(
                "E-mail refused by SES for good: recorded, not retried",
                extra={**extra, "error_code": error.code},
            )
            outcomes[mail.purpose] = REFUSED
            continue
        except Exception as error:  # any failure of one mail spares the other
            # SES failing for now (MailNotSent), or the counter's or idempotency's DynamoDB.
            code = error.code if isinstance(error, MailNotSent) else type(error).__name__
            _count("mail_failed")
            logger.error("E-mail not sent", extra={**extra, "error_code": code})
            outcomes[mail.purpose] = FAILED
            failure = failure or error
            continue
        outcomes[mail.purpose] = result["status"]
    if failure is not None:
        # Reported as a failed record: Lambda retries it, then the dead-letter queue keeps it.
        raise failure
    return outcomes


def notify_assessment(assessment: dict[str, Any]) -> dict[str, str]:
    """The branch's notice of a newly linked assessment: level and three weakest
    dimensions, read from the image's codes and scores (never its answers)."""
    settings = get_notifier_settings()
    content = cached_content(settings.content_data_dir)
    sort_key = str(assessment.get("sk", ""))
    reference = str(
        assessment.get("reference") or keys.reference_of(str(assessment.get("pk", ""))) or ""
    )
    log = {"reference": reference, "purpose": "assessment"}
    registration = get_lookup().notice_fields(reference) if reference else None
    if registration is None:
        logger.warning("Assessment linked to no stored registration: no notice", extra=log)
        return {}
    log["branch"] = registration.get("branch", "")
    mail = assessment_notice(assessment, registration, content, settings.branch_notice_fallback)
    if mail is None:
        logger.warning(
            "No notice for this assessment (no scores, or no address for the branch)", extra=log
        )
        return {}
    refusal_of = {
        "reference": reference,
        "branch": registration.get("branch", ""),
        "created_at": registration.get("created_at", ""),
        "expires_at": assessment.get("expires_at"),
    }
    # One notice per assessment: a T1 after the coaching is news too.
    return _send([(f"{reference}#assessment#{sort_key}", mail)], refusal_of, log)


def notify_results(request: dict[str, Any]) -> str:
    """A "send me my result" request (`forms_api.results_mail`): to the registration's
    confirmed address only, read now; nothing if it is not confirmed or was erased."""
    from forms_api import results_mail
    from forms_api.links import results_url

    settings = get_notifier_settings()
    content = cached_content(settings.content_data_dir)
    reference = str(request["reference"])
    log = {"reference": reference, "purpose": results_mail.PURPOSE}
    address = get_ledger().confirmed_address(reference)
    if address is None:
        _count("mail_not_confirmed")
        logger.warning("Results e-mail asked for an unconfirmed or erased registration", extra=log)
        return LIMITED
    lang = "en" if request.get("language") == "en" else "fr"
    link = results_url(settings.site_url, reference, lang, now())
    mail = results_mail.compose(request, content, address, settings.site_url, link)
    message = {"key": results_mail.idempotency_key(request), "mail": asdict(mail)}
    try:
        result = get_deliver_once()(message=message)
    except MailRefused as error:
        get_ledger().record_refusal(
            {"reference": reference}, results_mail.PURPOSE, error.code, now()
        )
        _count("mail_refused")
        logger.error(
            "E-mail refused by SES for good: recorded, not retried",
            extra={**log, "error_code": error.code},
        )
        return REFUSED
    return str(result["status"])


def record_handler(record: DynamoDBRecord) -> None:
    # The event source filter already keeps new registration, linked-assessment and
    # results-request items only; this guard keeps a widened filter from mailing on updates
    # or other items.
    if record.event_name != DynamoDBRecordEventName.INSERT or record.dynamodb is None:
        return
    image = record.dynamodb.new_image
    if keys.is_registration(image):
        notify(image)
    elif keys.is_linked_assessment(image):
        notify_assessment(image)
    elif keys.is_results_mail(image):
        notify_results(image)


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
