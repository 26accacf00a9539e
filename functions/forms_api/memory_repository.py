"""In-memory implementation of the storage port, for fast unit tests."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from forms_api.domain.errors import ReferenceCollision
from forms_api.domain.models import Assessment, Registration, RegistrationView
from forms_api.domain.rules import mask_email


class InMemoryProgramRepository:
    def __init__(self) -> None:
        self.registrations: dict[str, Registration] = {}
        self.neqs: dict[str, str] = {}
        self.assessments: list[Assessment] = []
        self.duplicates: dict[str, str] = {}
        self.drafts: dict[str, dict[str, object]] = {}
        self._lock = threading.Lock()

    def add_registration(self, registration: Registration) -> None:
        with self._lock:
            if registration.reference in self.registrations:
                raise ReferenceCollision(registration.reference)
            self.registrations[registration.reference] = registration

    def confirm_registration(self, reference: str, now: datetime) -> RegistrationView | None:
        with self._lock:
            stored = self.registrations.get(reference)
            if stored is None or stored.status != "unconfirmed":
                return self.registration_view(reference)
            if stored.neq and stored.neq in self.neqs:
                self.duplicates[reference] = self.neqs[stored.neq]
                self.registrations[reference] = replace(stored, status="possible_duplicate")
            else:
                if stored.neq:
                    self.neqs[stored.neq] = reference
                self.registrations[reference] = replace(stored, status="confirmed")
        return self.registration_view(reference)

    def registration_view(self, reference: str) -> RegistrationView | None:
        stored = self.registrations.get(reference)
        if stored is None:
            return None
        return RegistrationView(
            reference=stored.reference,
            kind=stored.kind,
            branch=stored.branch,
            masked_email=mask_email(stored.email),
            language=stored.language,
            status=stored.status,
            neq=stored.neq,
            expires_at=stored.expires_at,
        )

    def save_draft(self, draft_id: str, values: dict[str, object], expires_at: int) -> None:
        self.drafts[draft_id] = dict(values)

    def load_draft(self, draft_id: str, now: datetime) -> dict[str, object] | None:
        return self.drafts.get(draft_id)

    def registration_exists(self, reference: str) -> bool:
        return reference in self.registrations

    def add_assessment(self, assessment: Assessment) -> None:
        self.assessments.append(assessment)
