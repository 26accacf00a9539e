"""Thin Lambda handlers: parse and validate, call the domain, map errors to HTTP."""
