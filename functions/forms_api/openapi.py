"""Write the API's OpenAPI document, generated from the handlers' routes and models.

python -m forms_api.openapi build/openapi.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def document() -> dict[str, Any]:
    from forms_api.handlers import assessment, registration

    merged: dict[str, Any] = {}
    for module in (registration, assessment):
        schema = json.loads(
            module.app.get_openapi_json_schema(
                title="Virage numérique bleu – forms API",
                version="1.0.0",
                description="Registration and digital assessment. JSON or HTML form posts; "
                "paths are served under /api on the site's origin.",
            )
        )
        if not merged:
            merged = schema
            continue
        merged["paths"].update(schema.get("paths", {}))
        merged.setdefault("components", {}).setdefault("schemas", {}).update(
            schema.get("components", {}).get("schemas", {})
        )
        merged["tags"] = merged.get("tags", []) + schema.get("tags", [])
    return merged


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "build/openapi.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
