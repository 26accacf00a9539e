"""Powertools idempotency for the form routes: a double click or a network retry of the
same submission stores once and gets the same answer.

Three faults are the visitor's concern only as far as the answer goes:
- the same submission is being stored by a concurrent request (a double-click storm):
  wait a moment for its answer instead of saying "nothing was saved";
- the work was done (the registration is committed) but the idempotency bookkeeping
  failed afterwards: the visitor gets the stored answer, never "nothing was saved";
- the idempotency store is misconfigured (missing table, access denied): that is ours to
  fix, a 500 with an alarm, not a "busy, retry" 503.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from forms_api.domain.errors import StorageUnavailable
from forms_api.repository import dynamodb_client, is_configuration_error
from forms_api.settings import get_settings

# work(submission, idempotency_key): the key is the id of the Powertools record that
# remembers this answer, so what the work stores can name it (a privacy erasure deletes it).
Work = Callable[[dict[str, Any], str], dict[str, Any]]

# How long a concurrent twin may take before we give up waiting (within the time left).
_WAIT_STEP_SECONDS = 0.1
_ANSWER_MARGIN_MS = 1500


class Once:
    """Runs `work(submission)` at most once per submission within the idempotency window.

    The Powertools utility and its client are built on first use: invalid posts, which
    never reach storage, don't pay for importing them.
    """

    def __init__(self, work: Work) -> None:
        self._work = work
        self._done: dict[int, dict[str, Any]] = {}

    def _recording(self, persistence: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """The work, noting its result for this call: if the bookkeeping fails after the
        work, we still know. Named as the work (Powertools keys records by function name)."""
        work = self._work

        @functools.wraps(work)
        def recording(submission: dict[str, Any]) -> dict[str, Any]:
            # The persistence layer is configured for this call: its key is the record's id.
            key = str(persistence._get_hashed_idempotency_key(data=submission))
            result = work(submission, key)
            self._done[id(submission)] = result
            return result

        return recording

    @cached_property
    def _idempotent(self) -> tuple[Callable[..., dict[str, Any]], Any]:
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        settings = get_settings()
        persistence = DynamoDBPersistenceLayer(
            table_name=settings.idempotency_table_name, boto3_client=dynamodb_client()
        )
        config = IdempotencyConfig(expires_after_seconds=settings.idempotency_seconds)
        wrapped: Callable[..., dict[str, Any]] = idempotent_function(
            data_keyword_argument="submission", config=config, persistence_store=persistence
        )(self._recording(persistence))
        return wrapped, config

    def __call__(self, submission: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
        )

        wrapped, config = self._idempotent
        config.register_lambda_context(context)
        try:
            while True:
                try:
                    return wrapped(submission=submission)
                except IdempotencyAlreadyInProgressError as error:
                    # A twin of this submission is being stored: its answer is ours too.
                    if context.get_remaining_time_in_millis() < _ANSWER_MARGIN_MS:
                        raise StorageUnavailable() from error
                    time.sleep(_WAIT_STEP_SECONDS)
        except IdempotencyPersistenceLayerError as error:
            done = self._done.get(id(submission))
            if done is not None:
                return done  # stored; only the bookkeeping failed
            cause = error.__cause__ or error.__context__
            while cause is not None and not isinstance(cause, ClientError):
                cause = cause.__cause__ or cause.__context__
            if isinstance(cause, ClientError) and is_configuration_error(cause):
                raise  # our fault: a 500 and an alarm
            raise StorageUnavailable() from error
        finally:
            self._done.pop(id(submission), None)

    def reset(self) -> None:
        """Forget the utility and its client (tests start moto per test)."""
        self.__dict__.pop("_idempotent", None)
