"""Syntax checks for the addresses each channel takes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

# Whole values only: use fullmatch (re.match with `$` lets a trailing newline through).
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# FCM registration tokens are about 160 characters; 1024 leaves room and keeps a token,
# with its brand and user id, inside PostgreSQL's largest B-tree entry (2704 bytes).
_TOKEN = re.compile(r"[A-Za-z0-9_:\-\.]{1,1024}")
_USER_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,200}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def email_problem(address: str) -> str | None:
    if "\r" in address or "\n" in address:
        return "must not contain line breaks"
    try:
        validate_email(address, check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def phone_problem(number: str) -> str | None:
    if not E164.fullmatch(number):
        return "must be an E.164 number such as +97455555555"
    return None


def push_token_problem(token: str) -> str | None:
    if not _TOKEN.fullmatch(token):
        return "must be 1-1024 characters of letters, digits, '_', ':', '-' or '.'"
    return None


def user_id_problem(user_id: str) -> str | None:
    if not _USER_ID.fullmatch(user_id):
        return "must be 1-200 characters without spaces or control characters"
    return None


def webhook_url_problem(url: str) -> str | None:
    if len(url) > 2048:
        return "must be at most 2048 characters"
    if _CONTROL.search(url):  # urlsplit drops some (tabs, line breaks) silently
        return "must not contain control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"is not a valid URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return "must be an http or https URL"
    if not parts.hostname:
        return "must name a host"
    if parts.username or parts.password:
        return "must not carry credentials"
    if port == 0:
        return "must not use port 0"
    return None
