"""Registrations of the applications area in the apps below.

Imported by ``ParticipationConfig.ready``: the applicant's emails, the coordinators'
notification kind, the data-export sections, and the retention, erasure and merge hooks.
"""

from minka.participation.applications import emails, hooks, notifications, portability

__all__ = ["emails", "hooks", "notifications", "portability"]
