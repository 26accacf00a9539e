"""The built pages without their indentation: a third of each page's bytes.

Material's templates indent every tag of the menu, the header and the footer: most of a
page's raw HTML is spaces. A run of spaces and line breaks holding a line break becomes
that one line break, except inside the elements whose white space shows (`pre`, `code`,
`kbd`: Material's `white-space: pre-wrap`; `textarea`) or is code (`script`, `style`: the
inline scripts' CSP hashes stay valid). Browsers collapse white space to one space
elsewhere, so the page renders the same; a non-breaking space is not white space here and
stays. Lines stay lines (the shell export reads the page line by line).
"""

from __future__ import annotations

import re

_VERBATIM = re.compile(r"<(pre|code|kbd|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)
# ASCII white space only: `\s` would also match U+00A0, which French text needs.
_INDENT = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")


def compact_html(html: str) -> str:
    parts = []
    last = 0
    for verbatim in _VERBATIM.finditer(html):
        parts.append(_INDENT.sub("\n", html[last : verbatim.start()]))
        parts.append(verbatim.group(0))
        last = verbatim.end()
    parts.append(_INDENT.sub("\n", html[last:]))
    return "".join(parts)
