"""Helpers of the tests (one copy each), on pytest's `pythonpath` (pyproject.toml): the
browser (Debian's Chromium, its flags, axe), the forms' events and fixtures' helpers, the
built site. Imported by their module names: `from browser import chromium`."""
