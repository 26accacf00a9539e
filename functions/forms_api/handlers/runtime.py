"""What every request of a function shares: its settings, the content, the clock, and the
Powertools logger and metrics."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from content_model import Content, cached_content

from forms_api.settings import get_settings

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "forms-api"))
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "VirageNumeriqueBleu"))


def program_data() -> Content:
    return cached_content(get_settings().content_data_dir)


def now() -> datetime:
    return datetime.now(UTC)


def count(form: str, outcome: str) -> None:
    metrics.add_metric(name=f"{form}_{outcome}", unit=MetricUnit.Count, value=1)
