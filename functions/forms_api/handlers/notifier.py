"""DynamoDB stream → e-mails: the merchant's confirmation and the branch's notice.

Runs after the registration is durably stored, so an e-mail outage never loses
or blocks one: a failing record is reported as a partial batch failure, retried
by Lambda (bisecting the batch), and sent to the dead-letter queue at the end.

Each e-mail is sent at most once per (reference, recipient kind) while its
idempotency record lives (24 h, the stream's retention): a retried batch does
not re-send what already went out. The trade-off: the record is written before
SES is called and deleted if SES fails, so a crash between SES accepting and the
record being marked complete can send one duplicate after the in-progress
record expires — a rare duplicate, never a lost e-mail.

Logs carry references, branch codes and error codes, never personal data.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger
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
from forms_api.mailer import Mail, MailNotSent, SesMailer, mails_for

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
# A stream keeps records 24 h: no retry can come later than that.
idempotency_config = IdempotencyConfig(event_key_jmespath="key", expires_after_seconds=86400)

_REPO_CONTENT = Path(__file__).resolve().parents[3] / "content" / "data"


def _content_dir() -> Path:
    return Path(os.environ.get("CONTENT_DATA_DIR") or _REPO_CONTENT)


@lru_cache(maxsize=1)
def get_mailer() -> SesMailer:
    return SesMailer(sender=os.environ["MAIL_SENDER"])


@lru_cache(maxsize=1)
def get_send_once() -> Any:
    """`send(message=…)` guarded by a Powertools idempotency record; built on first use."""
    persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"])

    def send(message: dict[str, Any]) -> str:
        return get_mailer().send(Mail(**{**message["mail"], "to": tuple(message["mail"]["to"])}))

    return idempotent_function(
        send,
        data_keyword_argument="message",
        persistence_store=persistence,
        config=idempotency_config,
    )


def notify(registration: dict[str, Any]) -> int:
    """Send the e-mails a new registration calls for; returns how many went out."""
    content = cached_content(_content_dir())
    mails = mails_for(
        registration,
        content,
        site_url=os.environ.get("SITE_URL", ""),
        fallback=os.environ.get("BRANCH_NOTICE_FALLBACK") or None,
    )
    log = {"reference": registration.get("reference"), "branch": registration.get("branch")}
    if not any(mail.purpose == "branch" for mail in mails):
        logger.warning("No notice address for this branch: fill branches.yml", extra=log)
    send_once = get_send_once()
    for mail in mails:
        send_once(message={"key": f"{mail.reference}#{mail.purpose}", "mail": asdict(mail)})
        logger.info("E-mail sent", extra={**log, "purpose": mail.purpose})
    return len(mails)


def record_handler(record: DynamoDBRecord) -> None:
    # The event source filter already keeps new registration items only; this
    # guard keeps a widened filter from mailing on updates or other items.
    if record.event_name != DynamoDBRecordEventName.INSERT or record.dynamodb is None:
        return
    image = record.dynamodb.new_image
    if not keys.is_registration(image):
        return
    try:
        notify(image)
    except MailNotSent as error:
        # Reported as a failed record: Lambda retries it, then the dead-letter queue keeps it.
        logger.error(
            "E-mail not sent",
            extra={"reference": image.get("reference"), "error_code": error.code},
        )
        raise


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
