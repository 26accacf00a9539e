"""Pages follow the data: branch pages match the YAML, bad data fails readably."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from content_model import DataError
from content_model import load_content as load_site_data
from sitebuild.settings import REPO_ROOT
from sitetests import SITE_URL, BuiltSite, build_copy, copy_content, tags

pytestmark = pytest.mark.slow  # builds the site (shared session build or a copy)

DATA = REPO_ROOT / "content" / "data"


def test_each_branch_has_a_page_in_both_languages_matching_the_yaml(site: BuiltSite) -> None:
    branches = yaml.safe_load((DATA / "branches.yml").read_text("utf-8"))
    regions = yaml.safe_load((DATA / "regions.yml").read_text("utf-8"))
    assert len(branches) == 8
    for branch in branches:
        served = [r for r in regions if r["branch"] == branch["id"]]
        for lang, folder, tbc in (
            ("fr", "succursales", "À confirmer"),
            ("en", "branches", "To be confirmed"),
        ):
            page = site.root / lang / folder / branch["id"] / "index.html"
            text = html.unescape(page.read_text(encoding="utf-8"))
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text)
            assert h1 and h1.group(1) == branch[f"name_{lang}"]
            city = branch["city"] if branch["city"] != "À CONFIRMER" else tbc
            assert f"<dd>{city}</dd>" in text
            fields = ("city", "address", "phone", "email", f"hours_{lang}")
            shown = re.findall(r"<dd>(.*?)</dd>", text)
            assert len(shown) == len(fields)
            for field, value in zip(fields, shown, strict=True):
                if branch[field] == "À CONFIRMER":
                    assert value == tbc, field
                else:
                    assert branch[field] in value, field
            listed = re.findall(r"<li>(.+?) \((\d\d)\)</li>", text)
            assert listed == [(r[f"name_{lang}"], r["code"]) for r in served]


def test_a_branch_added_to_the_data_gets_its_pages(tmp_path: Path) -> None:
    # Given a copy of the content with a ninth branch serving Estrie
    content = copy_content(tmp_path)
    branches_file = content / "data" / "branches.yml"
    branches = yaml.safe_load(branches_file.read_text("utf-8"))
    branches.append(
        {
            **branches[0],
            "id": "estrie",
            "name_fr": "ÉEQ – Estrie (essai)",
            "name_en": "ÉEQ – Estrie (test)",
            "city": "Sherbrooke",
            "region": "05",
            "email": "estrie@example.ca",
            "phone": "819 555-0100",
        }
    )
    branches_file.write_text(yaml.safe_dump(branches, allow_unicode=True), "utf-8")
    regions_file = content / "data" / "regions.yml"
    regions = yaml.safe_load(regions_file.read_text("utf-8"))
    next(r for r in regions if r["code"] == "05")["branch"] = "estrie"
    regions_file.write_text(yaml.safe_dump(regions, allow_unicode=True), "utf-8")

    # When the site is built
    build_copy(content, tmp_path / "out")

    # Then its pages exist, are paired, and the finder sends Estrie to it
    site = tmp_path / "out" / "site"
    fr = site / "fr/succursales/estrie/index.html"
    en = site / "en/branches/estrie/index.html"
    assert "ÉEQ – Estrie (essai)" in fr.read_text("utf-8")
    assert "Sherbrooke" in en.read_text("utf-8")
    assert tags(en).find("a", href="mailto:estrie@example.ca")
    assert "<dd>819 555-0100</dd>" in fr.read_text("utf-8")
    assert tags(fr).find("link", hreflang="en-CA")[0]["href"] == f"{SITE_URL}en/branches/estrie/"
    finder = (site / "fr/succursales/index.html").read_text("utf-8")
    assert 'href="estrie/"' in finder


def _break(tmp_path: Path, file: str, edit: str, replacement: str) -> Path:
    content = copy_content(tmp_path)
    path = content / "data" / file
    text = path.read_text("utf-8")
    assert edit in text, f"test setup: {edit!r} not in {file}"
    path.write_text(text.replace(edit, replacement, 1), "utf-8")
    return content


@pytest.mark.parametrize(
    ("file", "edit", "replacement", "field", "reason"),
    [
        (
            "program.yml",
            "phase: waitlist",
            "phase: bientôt",
            "phase",
            "'waitlist', 'open' or 'closed'",
        ),
        (
            "program.yml",
            "retention_days: 1095",
            "retention_days: -3",
            "privacy.retention_days",
            "greater than or equal to 1",
        ),
        (
            # What the functions' TTL could not honour: refused by the content check too.
            "program.yml",
            "retention_days: 1095",
            "retention_days: 4000",
            "privacy.retention_days",
            "less than or equal to 3650",
        ),
        (
            "branches.yml",
            "  email: À CONFIRMER",
            "  email: pas-un-courriel",
            "[0]",
            "not an e-mail address",
        ),
        ("branches.yml", 'region: "06"', 'region: "18"', "[0].region", "pattern"),
        (
            "regions.yml",
            "branch: montreal,",
            "branch: lune,",
            "[5].branch",
            "unknown branch 'lune'",
        ),
        (
            "shortlinks.yml",
            "to: /fr/inscription/",
            "to: /fr/nulle-part/",
            "[0].to",
            "no page at /fr/nulle-part/",
        ),
        ("pages.yml", "en: faq.md", "en: frequent.md", "[6].en", "does not exist"),
    ],
)
def test_bad_data_fails_with_file_field_and_reason(
    tmp_path: Path, file: str, edit: str, replacement: str, field: str, reason: str
) -> None:
    content = _break(tmp_path, file, edit, replacement)
    with pytest.raises(DataError) as error:
        build_copy(content, tmp_path / "out")
    assert Path(error.value.file).name == file
    assert error.value.field == field
    assert reason in error.value.reason


def test_a_page_without_its_translation_fails(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "fr" / "orpheline.md").write_text("---\ndescription: x\n---\n# Seule\n", "utf-8")
    with pytest.raises(DataError, match=r"orpheline\.md: \(page\): no translation"):
        build_copy(content, tmp_path / "out")


def test_a_broken_page_template_names_the_file_and_line(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    page = content / "en" / "faq.md"
    page.write_text(page.read_text("utf-8").replace("## Who can", "{{ oops\n## Who can"), "utf-8")
    with pytest.raises(DataError, match=r"en/faq\.md: line \d+: "):
        build_copy(content, tmp_path / "out")


def test_interface_strings_have_the_same_keys_in_both_languages(tmp_path: Path) -> None:
    load_site_data(DATA)  # the real files pass
    content = _break(tmp_path, "i18n/en.yml", "  placeholder: To be confirmed\n", "")
    with pytest.raises(DataError, match=r"en\.yml: site\.placeholder: missing translation"):
        load_site_data(content / "data")


def test_release_build_refuses_placeholders(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not allowed in a release"):
        build_copy(REPO_ROOT / "content", tmp_path / "out", release=True)


def test_command_line_prints_a_readable_error(tmp_path: Path) -> None:
    content = _break(tmp_path, "program.yml", "phase: waitlist", "phase: bientôt")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sitebuild",
            "build",
            "--content",
            str(content),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "program.yml: phase: Input should be 'waitlist', 'open' or 'closed'" in run.stderr
    assert "Traceback" not in run.stderr


def test_phase_drives_the_call_to_action(tmp_path: Path) -> None:
    content = _break(tmp_path, "program.yml", "phase: waitlist", "phase: open")
    build_copy(content, tmp_path / "out")
    strings = yaml.safe_load((DATA / "i18n" / "fr.yml").read_text("utf-8"))["site"]["phase"]
    home = (tmp_path / "out/site/fr/index.html").read_text("utf-8")
    assert strings["open"]["button"] in home
    assert strings["waitlist"]["button"] not in home
