"""Per-request context (request id and client address) for logs and the audit log."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


current: ContextVar[RequestContext] = ContextVar("minka_request", default=RequestContext())
