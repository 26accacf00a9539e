"""The storage port. `repository.py` adapts it to DynamoDB; tests use the in-memory fake."""

from __future__ import annotations

from typing import Protocol

from forms_api.domain.models import Assessment, Registration


class ProgramRepository(Protocol):
    def add_registration(self, registration: Registration) -> None:
        """Store atomically with the NEQ guard.

        Raises DuplicateRegistration, ReferenceCollision or StorageUnavailable.
        """

    def registration_exists(self, reference: str) -> bool: ...

    def add_assessment(self, assessment: Assessment) -> None: ...
