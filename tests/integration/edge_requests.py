"""Generated requests for the forms' edge: random bytes, headers and base64 flags, and bodies
close enough to a real post to reach validation and the domain.

Shared by `test_edge_input_properties.py` (a bounded run in `make test`) and
`tests/benchmarks/bench_edge.py` (longer runs that print what was sent and answered).
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import yaml
from forms_events import as_form, http_event, valid_registration
from forms_support import CONTENT_DATA
from hypothesis import strategies as st

ROUTES = ("/registrations", "/assessments")
FORM = "application/x-www-form-urlencoded"
REGISTRATION_FIELDS = (
    *valid_registration(),
    "branch",
    "website",
    "form_rendered_at",
)
# The first option of every question of content/data/assessment.yml.
COMPLETE_ANSWERS = {
    question["id"]: question["options"][0]["code"]
    for dimension in yaml.safe_load((CONTENT_DATA / "assessment.yml").read_text("utf-8"))[
        "dimensions"
    ]
    for question in dimension["questions"]
}
ASSESSMENT_FIELDS = ("answers", "reference", "language", "answers.business_listing", "answers.x")

CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=latin-1",
            "Application/JSON",
            "application/jsonx",
            FORM,
            f"{FORM}; charset=UTF-8",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            'multipart/form-data; boundary=""',
            "multipart/form-data; boundary=b0und",
            "multipart/form-data; boundary=b0und; boundary=other",
            "multipart/form-data;boundary=b0und",
            'Multipart/Form-Data; BOUNDARY="b0und"',
            "text/plain",
            "text/html; charset=utf-8",
            "application/octet-stream",
            ";",
            "",
        ]
    ),
    st.text(max_size=40),
)
ENCODINGS = st.one_of(
    st.none(),
    st.sampled_from(["gzip", "identity", "br, gzip", "", "IDENTITY "]),
    st.text(max_size=8),
)
REFERERS = st.one_of(
    st.none(),
    st.sampled_from(
        ["https://vnb.example.org/en/register/", "/fr/inscription/", "http://[", "https://[::1"]
    ),
    st.text(max_size=30),
)

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30, max_value=10**80)
    | st.floats()
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def near_registration(draw: st.DrawFn) -> dict[str, Any]:
    """A valid registration with some fields replaced by anything JSON can hold."""
    payload: dict[str, Any] = valid_registration(
        neq=draw(st.from_regex(r"\A[1-9][0-9]{9}\Z")), email=draw(st.emails())
    )
    replaced = st.lists(st.sampled_from(REGISTRATION_FIELDS), max_size=3, unique=True)
    for field in draw(st.just([]) | replaced):
        payload[field] = draw(JSON_VALUES)
    return payload


@st.composite
def near_assessment(draw: st.DrawFn) -> dict[str, Any]:
    answers = draw(
        st.just(dict(COMPLETE_ANSWERS))
        | st.dictionaries(st.text(max_size=20), JSON_VALUES, max_size=5)
    )
    payload: dict[str, Any] = {"answers": answers}
    for field in draw(st.lists(st.sampled_from(ASSESSMENT_FIELDS), max_size=3, unique=True)):
        payload[field] = draw(JSON_VALUES)
    return payload


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _multipart(fields: dict[str, Any], boundary: str) -> bytes:
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{_text(value)}\r\n'
        for name, value in fields.items()
    )
    return f"{parts}--{boundary}--\r\n".encode("utf-8", "surrogatepass")


MEDIA_TYPES = {
    "json": "application/json",
    "form": FORM,
    "multipart": "multipart/form-data; boundary=b0und",
    "deep": "application/json",
}


@st.composite
def bodies(draw: st.DrawFn, route: str) -> tuple[str, bytes]:
    """(kind, bytes): random bytes, a near-valid post as JSON, form fields or multipart,
    deep JSON, or random text."""
    payload = draw(near_registration() if route == "/registrations" else near_assessment())
    kind = draw(st.sampled_from(["json", "form", "multipart", "deep", "bytes", "text"]))
    if kind == "bytes":
        return kind, draw(st.binary(max_size=300))
    if kind == "json":
        text = json.dumps(payload, ensure_ascii=draw(st.booleans()))
        return kind, text.encode("utf-8", "surrogatepass")
    if kind == "form":
        fields = as_form(
            {k: v if isinstance(v, str | bool) else _text(v) for k, v in payload.items()}
        )
        return kind, urlencode(fields).encode("ascii")
    if kind == "multipart":
        return kind, _multipart(payload, "b0und")
    if kind == "deep":
        depth = draw(st.integers(min_value=1, max_value=5000))
        opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return kind, (opening * depth + "1" + closing * depth).encode()
    return kind, draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")


@st.composite
def edge_events(draw: st.DrawFn) -> dict[str, Any]:
    """An HTTP API v2 event for either form: half sent as a client would (the content type of
    the body, base64 as API Gateway does), half with any content type, encoding and flag."""
    route = draw(st.sampled_from(ROUTES))
    kind, raw = draw(bodies(route))
    if draw(st.booleans()) and kind in MEDIA_TYPES:
        event = http_event(
            route, None, MEDIA_TYPES[kind], headers={"referer": draw(REFERERS) or ""}
        )
        text = kind == "json" and draw(st.booleans())
        body = raw.decode("utf-8") if text else base64.b64encode(raw).decode("ascii")
        event.update(body=body, isBase64Encoded=not text)
        return event
    headers: dict[str, str] = {}
    for name, strategy in (("content-encoding", ENCODINGS), ("referer", REFERERS)):
        value = draw(strategy)
        if value is not None:
            headers[name] = value
    headers.update(
        draw(st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=20), max_size=3))
    )
    event = http_event(route, None, draw(CONTENT_TYPES), headers=headers)
    flag = draw(st.sampled_from(["base64", "text", "base64 flag on text", "not str"]))
    if flag == "base64":
        event.update(body=base64.b64encode(raw).decode("ascii"), isBase64Encoded=True)
    elif flag == "text":
        # A text body as a direct invocation could give it: undecodable bytes as lone surrogates.
        event.update(body=raw.decode("utf-8", "surrogateescape"), isBase64Encoded=False)
    elif flag == "base64 flag on text":
        event.update(body=raw.decode("utf-8", "replace"), isBase64Encoded=True)
    else:
        event.update(body=draw(st.none() | st.integers() | st.just("")), isBase64Encoded=False)
    return event
