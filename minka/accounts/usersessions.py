"""allauth's user-sessions adapter: ending sessions is written to the audit log."""

from __future__ import annotations

from typing import Any

from allauth.usersessions.adapter import DefaultUserSessionsAdapter

from minka.core.models import AuditEntry
from minka.core.services import audit_record


# Ignored type error: allauth publishes no types: its base class is Any.
class UserSessionsAdapter(DefaultUserSessionsAdapter):  # type: ignore[misc]
    def end_sessions(self, sessions: Any) -> None:
        """End ``sessions`` and record, per account, how many were ended (no device data)."""
        sessions = list(sessions)
        super().end_sessions(sessions)
        ended: dict[Any, int] = {}
        for session in sessions:
            ended[session.user] = ended.get(session.user, 0) + 1
        for user, count in ended.items():
            audit_record(
                actor=user,
                action=AuditEntry.Action.LOGOUT,
                target=user,
                changes={"sessions_ended": ["", str(count)]},
            )
