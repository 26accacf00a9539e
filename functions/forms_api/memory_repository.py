"""In-memory implementation of the storage port, for fast unit tests."""

from __future__ import annotations

import threading

from forms_api.domain.errors import DuplicateRegistration, FieldProblem, ReferenceCollision
from forms_api.domain.models import Assessment, Registration


class InMemoryProgramRepository:
    def __init__(self) -> None:
        self.registrations: dict[str, Registration] = {}
        self.neqs: dict[str, str] = {}
        self.assessments: list[Assessment] = []
        self._lock = threading.Lock()

    def add_registration(self, registration: Registration) -> None:
        with self._lock:
            if registration.reference in self.registrations:
                raise ReferenceCollision(registration.reference)
            if registration.neq and registration.neq in self.neqs:
                raise DuplicateRegistration([FieldProblem("neq", "duplicate_neq")])
            self.registrations[registration.reference] = registration
            if registration.neq:
                self.neqs[registration.neq] = registration.reference

    def registration_exists(self, reference: str) -> bool:
        return reference in self.registrations

    def add_assessment(self, assessment: Assessment) -> None:
        self.assessments.append(assessment)
