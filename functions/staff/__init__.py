"""Staff back-office commands: exports, summary and privacy requests.

Run with `python -m staff --help`. Staff connect with their own AWS credentials
(production) or to the local stand-in (`--local`); nothing here is reachable
from the public site.
"""
