"""The rules of the request models, stated in their JSON schema (so in the OpenAPI document).

The validators in `models.py` check each field with the domain's rules and the content data;
pydantic alone would document plain strings. These hooks (the models' `json_schema_extra`)
state the same rules when the document is generated: enums from `content/data` as it is
then, patterns built from the domain rules' own expressions, the fields the program's phase
requires. Where a rule can't be said exactly in a JSON Schema pattern (NFC, trimming), the
pattern is the stricter side: a request valid by the document is accepted.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache
from typing import Any

from content_model import Content, cached_content

from forms_api.domain import rules
from forms_api.domain.assessment import answer_field
from forms_api.domain.registration import OPEN_ONLY_FIELDS
from forms_api.settings import get_settings

Schema = dict[str, Any]


def _data() -> Content:
    return cached_content(get_settings().content_data_dir)


@cache
def _refused_characters() -> str:
    """A character class body: what `rules.clean_text` refuses (its control categories),
    and the few characters NFC turns into several (they could pass a length limit)."""
    refused = [
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in rules._CONTROL_CATEGORIES
        or len(unicodedata.normalize("NFC", chr(code))) > 1
    ]
    ranges: list[tuple[int, int]] = []
    for code in refused:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(
        _escaped(start) if start == end else f"{_escaped(start)}-{_escaped(end)}"
        for start, end in ranges
    )


def _escaped(code: int) -> str:
    """`\\uXXXX`, which Python's, ECMA-262's and Rust's regex engines all read; past the BMP
    the character itself (ECMA has no common escape for it)."""
    return f"\\u{code:04X}" if code <= 0xFFFF else chr(code)


def text_rule(max_length: int) -> Schema:
    """`rules.clean_text`: something besides spaces, no invisible control characters. The
    pattern bounds its own length (a generator need not discard what `maxLength` refuses)."""
    refused = _refused_characters()
    before = (max_length - 1) // 2
    after = max_length - 1 - before
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": f"^[^{refused}]{{0,{before}}}[^\\s{refused}][^{refused}]{{0,{after}}}$",
    }


def neq_rule() -> Schema:
    """`rules.normalise_neq`: 10 digits; its separators around them (at most two in a row
    here, which keeps the pattern within the field's 40 characters)."""
    s = f"{rules._NEQ_SEPARATORS.pattern}{{0,2}}"
    return {"type": "string", "pattern": f"^{s}(?:[0-9]{s}){{10}}$"}


def phone_rule() -> Schema:
    """`rules.normalise_phone`: +1 and 1 optional, 10 digits, area code and exchange from 2;
    its separators around them (at most two in a row here)."""
    s = f"{rules._PHONE_SEPARATORS.pattern}{{0,2}}"
    digits = f"[2-9]{s}(?:[0-9]{s}){{2}}[2-9]{s}(?:[0-9]{s}){{6}}"
    return {"type": "string", "pattern": f"^{s}(?:\\+{s})?(?:1{s})?{digits}$"}


def email_rule() -> Schema:
    """`rules.normalise_email`, said more strictly so that the pattern bounds its length: a
    local part of at most 63 characters (no dot at either end nor two in a row, nothing
    `clean_text` refuses), two to four domain labels of at most 32 of the rule's
    characters."""
    # What SES delivers to (rules._ATEXT: RFC 5322 atext, ASCII only), as a character class.
    local_char = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
    local = f"(?:{local_char}{{1,15}}\\.){{0,3}}{local_char}{{1,15}}"
    label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
    return {
        "type": "string",
        "maxLength": 254,
        "pattern": f"^{local}@{label}(?:\\.{label}){{1,3}}$",
    }


def reference_rule() -> Schema:
    return {"type": "string", "pattern": rules.REFERENCE_PATTERN.pattern}


def _rule(schema: Schema, field: str, rule: Schema) -> None:
    """Put a rule on a property, on its non-null branch when it may be null."""
    prop = schema["properties"][field]
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") != "null":
            # The model's own limit (before trimming) and the rule's: the stricter holds.
            limits = [n for n in (branch.get("maxLength"), rule.get("maxLength")) if n is not None]
            branch.update(rule)
            if limits:
                branch["maxLength"] = min(limits)


def _required(schema: Schema, field: str) -> None:
    """Required and not null (the validators refuse null where the field is asked)."""
    prop = schema["properties"][field]
    if "anyOf" in prop:
        kept = [branch for branch in prop.pop("anyOf") if branch.get("type") != "null"]
        if len(kept) == 1:
            prop.update(kept[0])
        else:  # the head count: a number, or digits typed in a text field
            prop["anyOf"] = kept
    prop.pop("default", None)
    if field not in schema.setdefault("required", []):
        schema["required"].append(field)


def registration(schema: Schema) -> None:
    """`RegistrationRequest`'s validators, as of the content data now."""
    data = _data()
    for field in ("legal_name", "contact_name"):
        _rule(schema, field, text_rule(200))
    for field in ("utm_source", "utm_campaign"):
        _rule(schema, field, text_rule(100))
    _rule(schema, "neq", neq_rule())
    _rule(schema, "phone", phone_rule())
    _rule(schema, "email", email_rule())
    _rule(schema, "region", {"enum": sorted(data.regions_by_code)})
    _rule(schema, "sector", {"enum": sorted(data.sectors_by_code)})
    _rule(schema, "branch", {"enum": sorted(data.branches_by_id)})
    _required(schema, "consent")
    schema["properties"]["consent"]["const"] = True
    if data.program.phase == "open":
        for field in OPEN_ONLY_FIELDS:
            _required(schema, field)
    props = schema["properties"]
    props["website"].update(maxLength=0, description="Spam defence, hidden: stays empty.")
    # The head count: a number, or its digits typed in a text field (what the rule reads).
    for branch in props["employees"].get("anyOf", [props["employees"]]):
        if branch.get("type") == "integer":
            branch.update(minimum=0, maximum=1_000_000)
        if branch.get("type") == "string":
            branch.update(pattern="^[0-9]{1,7}$")
    props["employees"]["description"] = (
        "A whole number (digits; a text field with a numeric keyboard). More than "
        f"{data.program.eligibility.max_employees}: not eligible (422)."
    )
    props["sector"]["description"] = "A sector that isn't retail: not eligible (422)."
    props["neq"]["description"] = (
        "Claimed once the e-mail address is confirmed; a second claim goes to staff review."
    )
    props["form_token"] = props.get("form_token", {})
    props.pop("form_token", None)
    props["step"]["description"] = "`edit`: the form again with these values (a form post)."
    props["content_version"]["description"] = (
        "The content version of the page the form was on: a post from a page of another "
        "version that carries fields the current phase does not take answers 409."
    )


def _answers(data: Content) -> Schema:
    questions = data.questionnaire.questions
    return {
        "type": "object",
        "properties": {
            qid: {"type": "string", "enum": list(question.option_codes)}
            for qid, question in questions.items()
        },
        "required": list(questions),
        "additionalProperties": False,
    }


def assessment(schema: Schema) -> None:
    """`AssessmentRequest`: every question answered with one of its options."""
    schema["properties"]["answers"].update(_answers(_data()))
    _rule(schema, "reference", reference_rule())
    schema["properties"]["reference"]["description"] = (
        "The reference of a registration (400 unknown_reference if there is none)."
    )


def form_of(json_schema: Schema, title: str) -> Schema:
    """The same request as form fields: a form can't send null (a field left out is None)."""
    properties = {}
    for name, prop in json_schema["properties"].items():
        kept = {
            k: v for k, v in prop.items() if k != "anyOf" and not (k == "default" and v is None)
        }
        branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
        if len(branches) == 1:
            properties[name] = {**kept, **branches[0]}
        elif branches:  # the head count: a number or its digits, never null in a form
            properties[name] = {**kept, "anyOf": branches}
        else:
            properties[name] = prop
    return {**json_schema, "title": title, "properties": properties}


def assessment_form(json_schema: Schema) -> Schema:
    """The assessment as the HTML form posts it: one `answers.<question>` field each."""
    answers = _answers(_data())
    properties = {answer_field(qid): rule for qid, rule in answers["properties"].items()}
    rest = {k: v for k, v in json_schema["properties"].items() if k != "answers"}
    flat = {
        **json_schema,
        "properties": {**properties, **rest},
        "required": [answer_field(qid) for qid in answers["required"]],
    }
    return form_of(flat, "AssessmentForm")
