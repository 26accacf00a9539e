"""`python -m progress seed --json` and `recount --from-json`: a clearly fake population,
and a snapshot marked synthetic that holds no personal data."""

from __future__ import annotations

import json
from pathlib import Path

from progress import __main__ as cli


def test_seed_then_recount_from_json(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    assert cli.main(["seed", "--count", "300", "--json", str(seed)]) == 0
    items = json.loads(seed.read_text(encoding="utf-8"))
    registrations = [item for item in items if item["sk"] == "REG"]
    assert len(registrations) == 300
    assert all(item["reference"].startswith("FAKE-") for item in registrations)
    assert all(item["email"].endswith("@example.invalid") for item in registrations)
    assert all("fictif" in item["legal_name"] for item in registrations)

    out = tmp_path / "progress" / "snapshot.json"
    assert cli.main(["recount", "--from-json", str(seed), "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["synthetic"] is True
    counted = sum(
        1
        for item in registrations
        if item["kind"] == "registration" and item["status"] != "possible_duplicate"
    )
    assert document["figures"]["total"]["registrations"] == counted
    text = out.read_text(encoding="utf-8")
    assert "FAKE-" not in text and "example.invalid" not in text and "fictif" not in text


def test_seed_then_peers_from_json(tmp_path: Path) -> None:
    """The preview's peers: medians from a seeded population, codes and medians only."""
    seed = tmp_path / "seed.json"
    assert cli.main(["seed", "--count", "400", "--json", str(seed)]) == 0
    out = tmp_path / "peers.json"
    assert cli.main(["peers", "--from-json", str(seed), "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["k"] == 10 and document["basis"] == "latest"
    assert set(document["groups"]) == {"region", "sector", "size"}
    assert document["groups"]["sector"], "the seed's businesses have retail sectors"
    text = out.read_text(encoding="utf-8")
    assert "FAKE-" not in text and "example.invalid" not in text and "fictif" not in text
