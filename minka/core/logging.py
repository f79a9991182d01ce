"""Logging helpers: request ids on every line, and no forged or secret-bearing lines."""

from __future__ import annotations

import logging
import re
from typing import Any

from minka.core import request_context

# Telegram bot tokens (in Bot API URLs), bearer tokens, session cookies and the tokens of
# emailed links (invitations, RSVP, personal calendars, password resets, address
# confirmations: e.g. a 404 for a stale link logs its path) never reach a log.
_LINK_SEGMENT = r"[^/\s?\"'#]+"
_REDACTIONS = [
    (re.compile(r"bot\d{5,}:[A-Za-z0-9_-]{20,}"), "bot<redacted>"),
    (
        re.compile(
            r"(/(?:invitacion|rsvp|calendario|password/reset/key|confirm-email)/)" + _LINK_SEGMENT
        ),
        r"\1<redacted>",
    ),
    (re.compile(r"(?i)(authorization:\s*bearer\s+)\S+"), r"\1<redacted>"),
    (re.compile(r"(?i)((?:sessionid|csrftoken)=)[^;\s]+"), r"\1<redacted>"),
]


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_context.current.get().request_id or "-"
        return True


class SafeFormatter(logging.Formatter):
    """Escape line breaks and control characters, and redact known secret shapes."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for pattern, replacement in _REDACTIONS:
            text = pattern.sub(replacement, text)
        head, sep, tail = text.partition("\nTraceback")
        head = head.replace("\r", "\\r").replace("\n", "\\n")
        head = "".join(ch if ch.isprintable() or ch == "\t" else f"\\x{ord(ch):02x}" for ch in head)
        return head + sep + tail


def logging_config(*, level: str) -> dict[str, Any]:
    """The settings' ``LOGGING``: one console handler whose lines carry the request id and
    go through :class:`SafeFormatter`; the root logger at ``level``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "minka.core.logging.RequestIdFilter"}},
        "formatters": {
            "plain": {
                "()": "minka.core.logging.SafeFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "plain",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            "urllib3": {"level": "WARNING"},
            "httpx": {"level": "WARNING"},
        },
    }
