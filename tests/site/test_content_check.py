"""The staff content check: each broken thing in a copy of content/ is named at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitebuild.__main__ import main
from sitebuild.check import Report, check_content
from sitebuild.settings import BuildSettings
from sitetests import copy_content


def check(content: Path) -> Report:
    return check_content(BuildSettings(content_dir=content))


def append(path: Path, text: str) -> int:
    """Appends text to a file; returns the line number of its first line."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def only_error(report: Report) -> str:
    assert len(report.errors) == 1, [f.render(report.content_dir) for f in report.errors]
    return report.errors[0].render(report.content_dir)


def test_the_real_content_has_no_error_and_lists_its_placeholders() -> None:
    report = check(BuildSettings().content_dir)
    assert report.errors == []
    # program.yml's media contact is a placeholder until staff know it.
    assert any(
        f.file.name == "program.yml" and f.details["field"] == "media_contact.email"
        for f in report.placeholders
    )


def test_a_broken_link_is_named_with_file_line_and_fix(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    line = append(content / "fr" / "faq.md", "\nVoir [la page](page-disparue.md).\n") + 1
    message = only_error(check(content))
    assert message.startswith(f"content/fr/faq.md:{line}: ERREUR")
    assert "page-disparue.md" in message and "pages.yml" in message
    assert "(en) Link 'page-disparue.md' leads to a page that does not exist." in message


def test_a_link_to_a_missing_anchor(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    line = append(content / "en" / "faq.md", "\nSee [the program](program.md#nowhere).\n") + 1
    message = only_error(check(content))
    assert message.startswith(f"content/en/faq.md:{line}:")
    assert "#nowhere" in message


def test_a_link_call_to_an_unknown_page_id(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    line = append(content / "fr" / "faq.md", '\n[Voir]({{ link("nulle-part") }})\n') + 1
    message = only_error(check(content))
    assert message.startswith(f"content/fr/faq.md:{line}:")
    assert 'link("nulle-part")' in message


def test_a_page_without_its_pair(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "fr" / "orpheline.md").write_text(
        "---\ndescription: Une page seule.\n---\n# Orpheline\n", encoding="utf-8"
    )
    message = only_error(check(content))
    assert message.startswith("content/fr/orpheline.md:1:")
    assert "pages.yml" in message and "no declared translation" in message


def test_an_image_without_alt_text(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    line = append(content / "en" / "contact.md", "\n![](../assets/favicon.svg)\n") + 1
    message = only_error(check(content))
    assert message.startswith(f"content/en/contact.md:{line}:")
    assert "alternative text" in message and "texte de remplacement" in message


def test_a_page_without_description(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    page = content / "en" / "faq.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        "\n".join(ln for ln in text.splitlines() if not ln.startswith("description:")) + "\n",
        encoding="utf-8",
    )
    message = only_error(check(content))
    assert message.startswith("content/en/faq.md:1:") and "description" in message


def test_bad_yaml_is_named_at_its_line(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "data" / "shortlinks.yml"
    line = append(path, "- {path: /oups, to: /fr/\n")
    report = check(content)
    assert report.errors, "a syntax error must be reported"
    first = report.errors[0].render(content)
    assert first.startswith("content/data/shortlinks.yml:")
    assert int(first.split(":")[1]) in (line, line + 1)  # the parser stops at the line's end
    assert "YAML" in first


def test_a_refused_value_points_at_its_field(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "data" / "branches.yml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, ln in enumerate(lines) if ln.strip().startswith("email:"))
    lines[index] = lines[index].split("email:")[0] + "email: pas-une-adresse"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = only_error(check(content))
    assert message.startswith(f"content/data/branches.yml:{index + 1}:")
    assert "[0]" in message


def test_a_short_link_to_a_missing_page(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    line = append(content / "data" / "shortlinks.yml", "- {path: /oups, to: /fr/oups/}\n")
    message = only_error(check(content))
    assert message.startswith(f"content/data/shortlinks.yml:{line}:")
    assert "/fr/oups/" in message


@pytest.mark.parametrize(("release", "code"), [(False, 0), (True, 1)])
def test_release_mode_fails_while_placeholders_remain(
    release: bool, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", *(["--release"] if release else [])]) == code
    out = capsys.readouterr().out
    assert "À CONFIRMER / TO CONFIRM: media_contact.phone" in out


def test_release_mode_passes_once_everything_is_confirmed(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    for path in content.rglob("*"):
        if path.suffix in (".yml", ".md"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("À CONFIRMER", "Confirmé"), encoding="utf-8")
    # Contact fields are validated: give them real-looking values.
    branches = content / "data" / "branches.yml"
    text = branches.read_text(encoding="utf-8")
    text = text.replace("email: Confirmé", "email: info@example.ca")
    text = text.replace("phone: Confirmé", "phone: 514 555-0100")
    branches.write_text(text, encoding="utf-8")
    # So are the FAQ's numbers and date.
    program = content / "data" / "program.yml"
    text = program.read_text(encoding="utf-8")
    text = text.replace("coaching_weeks: Confirmé", "coaching_weeks: 12")
    text = text.replace("callback_business_days: Confirmé", "callback_business_days: 5")
    text = text.replace("registration_opening: Confirmé", "registration_opening: 2027-01-15")
    program.write_text(text, encoding="utf-8")
    assert main(["check", "--release", "--content", str(content)]) == 0


def test_absolute_links_to_pages_and_short_links_are_accepted_others_not(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    faq = content / "fr" / "faq.md"
    append(faq, "\n[Inscription](/inscription) et [programme](/fr/programme/#les-etapes).\n")
    line = append(faq, "\n[Ailleurs](/fr/nulle-part/)\n") + 1
    message = only_error(check(content))
    assert message.startswith(f"content/fr/faq.md:{line}:") and "/fr/nulle-part/" in message


def test_a_page_without_title(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    page = content / "fr" / "contact.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    page.write_text("\n".join(ln for ln in lines if not ln.startswith("# ")) + "\n", "utf-8")
    message = only_error(check(content))
    assert message.startswith("content/fr/contact.md:") and "no title" in message
