"""The content is read with libyaml's parser (the cold start's first request): it must give
exactly what PyYAML's own safe loader gives, for every file the functions read."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from content_model import load_content
from content_model.reading import SafeLoader, safe_load

DATA = Path(__file__).resolve().parents[2] / "content" / "data"
FILES = sorted(DATA.rglob("*.yml"))


def test_libyaml_is_used() -> None:
    assert yaml.__with_libyaml__
    assert SafeLoader is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_same_data_as_the_python_safe_loader(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert safe_load(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['true']",  # an unsafe tag stays refused
        "a: [1, 2",  # a syntax error stays a YAMLError
    ],
)
def test_refuses_what_the_safe_loader_refuses(text: str) -> None:
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError):
        safe_load(text)


@pytest.mark.parametrize("text", ["a: [1, 2\nb: 3\n", "a: b: c\n", "- a\nb: c\n", "a: 'x\n"])
def test_syntax_errors_read_as_before(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as python:
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as ours:
        safe_load(text)
    assert str(ours.value) == str(python.value)


def test_scalars_typed_alike() -> None:
    text = "d: 2026-12-01\nb: yes\no: 0o17\nf: 1e3\nn: ~\nt: '12'\nx: 0x1F\n"
    assert safe_load(text) == yaml.safe_load(text)


def test_content_loads() -> None:
    assert load_content(DATA).program.phase
