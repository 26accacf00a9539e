"""The Lambda bundle (infra/bundle.py) holds what the template's handlers import and the
content data the functions read; the template points at it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from infra_template import REPO, TEMPLATE, infra_module, template


def test_the_bundle_holds_the_package_and_the_content_data(tmp_path: Path) -> None:
    dest = tmp_path / "lambda"
    (dest / "forms_api").mkdir(parents=True)
    (dest / "forms_api" / "removed_module.py").write_text("")  # from an older bundle
    shell = tmp_path / "shell"
    shell.mkdir()
    for lang in ("fr", "en"):
        (shell / f"{lang}.html").write_text("{% block main %}{% endblock %}")
    infra_module("bundle").bundle(dest, dependencies=False, shell=shell)
    assert (dest / "shell" / "en.html").is_file()
    assert (dest / "forms_api" / "handlers" / "registration.py").is_file()
    assert (dest / "forms_api" / "handlers" / "assessment.py").is_file()
    assert (dest / "content" / "data" / "program.yml").is_file()
    assert (dest / "content_model" / "models.py").is_file()
    from content_model import content_version

    stamped = (dest / "content-version.txt").read_text(encoding="utf-8").strip()
    assert stamped == content_version(REPO / "content" / "data")
    assert not (dest / "forms_api" / "removed_module.py").exists()
    assert not list(dest.rglob("__pycache__"))


def test_the_handlers_import_from_the_bundle_alone(tmp_path: Path) -> None:
    dest = tmp_path / "lambda"
    infra_module("bundle").bundle(dest, dependencies=False, shell=None)
    handlers = [
        r["Properties"]["Handler"]
        for r in template()["Resources"].values()
        if r["Type"] == "AWS::Serverless::Function"
    ]
    modules = sorted({handler.rpartition(".")[0] for handler in handlers})
    # -I: no user site nor the repository's editable install, only the bundle on the path
    # (the venv's site-packages stand in for the runtime's boto3 and the Powertools layer).
    code = (
        "import sys, importlib; sys.path.insert(0, sys.argv[1]); "
        "[importlib.import_module(m) for m in sys.argv[2:]]; "
        "import forms_api, content_model; print(forms_api.__file__, content_model.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code, str(dest), *modules],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"CONTENT_DATA_DIR": str(dest / "content" / "data")},
    )
    assert done.returncode == 0, done.stderr
    assert all(path.startswith(str(dest)) for path in done.stdout.split())


def test_the_template_takes_its_code_from_the_bundle_folder() -> None:
    # `sam build` resolves CodeUri from the deployed template's folder (infra/edge_function.py).
    code_uri = template()["Globals"]["Function"]["CodeUri"]
    assert (TEMPLATE.parent / code_uri).resolve() == REPO / "build" / "lambda"
    assert (
        template()["Globals"]["Function"]["Environment"]["Variables"]["CONTENT_DATA_DIR"]
        == "/var/task/content/data"
    )


def test_the_lambda_requirements_are_pinned_like_the_constraints() -> None:
    constraints = {
        line.split("==")[0].lower(): line.strip()
        for line in (REPO / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    requirements = (REPO / "infra" / "lambda-requirements.txt").read_text().splitlines()
    for line in requirements:
        if line.strip() and not line.startswith("#"):
            assert constraints[line.split("==")[0].lower()].lower() == line.strip().lower()


def test_bytecode_is_only_written_by_the_runtimes_python(tmp_path: Path) -> None:
    # This machine's Python would write bytecode Lambda's 3.13 ignores (and recompiles).
    bundle = infra_module("bundle")
    if sys.version_info[:2] == (3, 13):
        return
    with pytest.raises(bundle.WrongPython):
        bundle.bundle(
            tmp_path / "lambda", dependencies=False, compile_with=Path(sys.executable), shell=None
        )


def test_the_bundle_refuses_to_go_without_the_site_shell(tmp_path: Path) -> None:
    bundle = infra_module("bundle")
    with pytest.raises(bundle.NoSiteShell):
        bundle.bundle(tmp_path / "lambda", dependencies=False, shell=tmp_path / "missing")
