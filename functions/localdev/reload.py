"""The preview's reloads: an open page reloads by itself once the site has been rebuilt.

Only the local mode's answers carry the script (`reload.js`, served from here, same origin):
the built site never contains it, so the published site and its CSP stay as they are.
The page asks `/__localdev/wait?version=…` with the version it was served at; the answer
comes when the version changes (or after a while, and the page asks again).
"""

from __future__ import annotations

import re
import secrets
import threading
from pathlib import Path

PREFIX = "/__localdev/"
SCRIPT = Path(__file__).with_name("reload.js")
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


class Reloads:
    """The version of the served site: a new one after every rebuild that was swapped in.

    The version starts with a token of this process, so a page served by an earlier
    `make dev` reloads too.
    """

    def __init__(self) -> None:
        self._boot = secrets.token_hex(4)
        self._generation = 0
        self._closed = False
        self._changed = threading.Condition()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def version(self) -> str:
        return f"{self._boot}-{self._generation}"

    def bump(self) -> None:
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    def wait(self, seen: str, timeout: float) -> str:
        """The version once it differs from `seen`, or the same after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self.version != seen, timeout)
            return self.version

    def close(self) -> None:
        """Answers every waiting page now (the local mode is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def script_tag(version: str) -> bytes:
    return f'<script src="{PREFIX}reload.js" data-version="{version}" defer></script>'.encode()


def inject(html: bytes, version: str) -> bytes:
    """The page with the reload script before its last `</body>` (at the end if it has none)."""
    tag = script_tag(version)
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + tag
    at = ends[-1].start()
    return html[:at] + tag + html[at:]
