"""Helpers of the infrastructure tests: the deployed template as data, and the tools' paths."""

from __future__ import annotations

import atexit
import importlib.util
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from stack.template import load_template

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
SOURCE_TEMPLATE = INFRA / "template.yaml"
# The CLOUDFRONT-scope web ACL, a stack of its own in us-east-1.
EDGE_WAF_TEMPLATE = INFRA / "edge-waf.yaml"
CFN_LINT = REPO / ".venv" / "bin" / "cfn-lint"
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
CHECKOV_CONFIG = INFRA / "checkov.yaml"

# Values for the parameters that have no default (any well-formed value will do offline).
PARAMETERS = {
    "Environment": "production",
    "DomainName": "viragenumeriquebleu.example",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    "AlarmEmail": "alertes@viragenumeriquebleu.example",
    "MailSender": "ne-pas-repondre@viragenumeriquebleu.example",
}


def infra_module(name: str, folder: Path = INFRA) -> ModuleType:
    """A script of infra/ (not a package), or a helper of another test folder, as a module."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _deployed_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="vnb-deployed-"))
    atexit.register(shutil.rmtree, folder, True)
    rendered: Path = infra_module("edge_function").render(folder, SOURCE_TEMPLATE)
    return rendered


# What is deployed (`make infra-template`): the source template with the edge function's
# code and short links filled in by infra/edge_function.py, rendered once per run. cfn-lint,
# checkov, the SAM transform and the edge function tests all read this one.
TEMPLATE = _deployed_template()
TEMPLATES = (TEMPLATE, EDGE_WAF_TEMPLATE)


@cache
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


def resources(kind: str) -> dict[str, dict[str, Any]]:
    """Logical id → resource, for every resource of one type."""
    return {k: r for k, r in template()["Resources"].items() if r["Type"] == kind}


def content_security_policy() -> str:
    """The exact header value CloudFront sends (YAML folding already joined the lines)."""
    csp: str = template()["Mappings"]["Headers"]["Site"]["ContentSecurityPolicy"]
    return csp
