"""The storage port. `repository.py` adapts it to DynamoDB; tests use the in-memory fake."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from forms_api.domain.models import Assessment, Registration, RegistrationView


class ProgramRepository(Protocol):
    def add_registration(self, registration: Registration) -> None:
        """Store the registration, unconfirmed (its NEQ is not claimed yet).

        Raises ReferenceCollision or StorageUnavailable.
        """

    def confirm_registration(self, reference: str, now: datetime) -> RegistrationView | None:
        """Its e-mail address is confirmed: claim its NEQ, or flag a possible duplicate."""

    def registration_view(self, reference: str) -> RegistrationView | None: ...

    def registration_exists(self, reference: str) -> bool: ...

    def add_assessment(self, assessment: Assessment) -> None:
        """Store once: a retry of the same write (its answer lost) is not a second one."""
