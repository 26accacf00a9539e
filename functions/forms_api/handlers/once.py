"""Powertools idempotency for the form routes: a double click or a network retry of the
same submission stores once and gets the same answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from forms_api.domain.errors import StorageUnavailable
from forms_api.repository import dynamodb_client
from forms_api.settings import get_settings

Work = Callable[[dict[str, Any]], dict[str, Any]]


class Once:
    """Runs `work(submission)` at most once per submission within the idempotency window.

    The Powertools utility and its client are built on first use: invalid posts, which
    never reach storage, don't pay for importing them.
    """

    def __init__(self, work: Work) -> None:
        self._work = work

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
        )(self._work)
        return wrapped, config

    def __call__(self, submission: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
        )

        wrapped, config = self._idempotent
        config.register_lambda_context(context)
        try:
            return wrapped(submission=submission)
        except (IdempotencyAlreadyInProgressError, IdempotencyPersistenceLayerError) as error:
            # The same submission is being stored right now, or the store is unreachable:
            # retrying in a moment returns the stored answer.
            raise StorageUnavailable() from error

    def reset(self) -> None:
        """Forget the utility and its client (tests start moto per test)."""
        self.__dict__.pop("_idempotent", None)
