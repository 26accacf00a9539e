"""Write the API's OpenAPI document, generated from the handlers' routes and models.

python -m forms_api.openapi build/openapi.json

Each function's resolver describes its routes; Powertools' `OpenAPIMerge` joins them. What
Powertools can't say from a route alone is added here, from the code that does it:
- the HTML form posts: each JSON request body is also taken as `application/x-www-form-urlencoded`
  and `multipart/form-data`, with the model's form schema when its fields differ
  (`form_json_schema`, the assessment's `answers.<question>`);
- the resolver answers validation errors with 400 (`resolver._invalid`), never with
  Powertools' default 422 `HTTPValidationError`, which is left out;
- any route may answer 500 (`resolver._unexpected`, a fault of ours).
The rules of the fields come from the models (`request_schema.py`, the content data).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
COMPONENTS = "#/components/schemas/"
TITLE = "Virage numérique bleu – forms API"
DESCRIPTION = (
    "Registration and digital assessment. JSON, or HTML form posts (which are answered "
    "with pages in the visitor's language); served under /api on the site's origin. "
    "Bodies are UTF-8 text, uncompressed, at most {limit} bytes."
)


def document() -> dict[str, Any]:
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
    from aws_lambda_powertools.event_handler.openapi.models import Server

    from forms_api.handlers import answers, assessment, models, registration
    from forms_api.settings import get_settings

    merge = OpenAPIMerge(
        title=TITLE,
        version="1.0.0",
        description=DESCRIPTION.format(limit=get_settings().max_body_bytes),
        servers=[Server(url="/api")],
        on_conflict="error",
    )
    for module in (registration, assessment):
        merge.add_schema(module.app.get_openapi_schema())
    doc: dict[str, Any] = json.loads(merge.get_openapi_json_schema())
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    unexpected = answers.error_doc("A fault of ours: nothing stored; retry later", page=False)
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            _add_form_bodies(operation, schemas, models)
            responses = operation["responses"]
            if _is_powertools_validation_error(responses.get("422")):
                del responses["422"]
            responses.setdefault("500", _with_error_body(unexpected))
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        if f'"{COMPONENTS}{unused}"' not in json.dumps(doc["paths"]):
            schemas.pop(unused, None)
    return doc


def _add_form_bodies(operation: dict[str, Any], schemas: dict[str, Any], models: Any) -> None:
    content = operation.get("requestBody", {}).get("content", {})
    reference = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    if not reference.startswith(COMPONENTS):
        return
    name = reference.removeprefix(COMPONENTS)
    form = getattr(models, name).form_json_schema()
    if form is not None:
        schemas[form["title"]] = form
        reference = f"{COMPONENTS}{form['title']}"
    for media_type in FORM_MEDIA_TYPES:
        content[media_type] = {"schema": {"$ref": reference}}


def _is_powertools_validation_error(response: dict[str, Any] | None) -> bool:
    schema = (response or {}).get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref") == f"{COMPONENTS}HTTPValidationError")


def _with_error_body(response: dict[str, Any]) -> dict[str, Any]:
    """`error_doc`'s entry for a document assembled here: the model as its component."""
    content = {
        media_type: {"schema": {"$ref": f"{COMPONENTS}ErrorBody"}} if "model" in entry else entry
        for media_type, entry in response["content"].items()
    }
    return {**response, "content": content}


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "build/openapi.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
