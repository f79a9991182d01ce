"""Registrations of the consultations area in the apps below.

Imported by ``ParticipationConfig.ready``: its kinds of event and the planner that announces
openings, its sections of a person's data export, and its search type.
"""

from minka.participation.consultations import (  # noqa: F401  (registrations)
    notifications,
    portability,
    search_index,
)

search_index.register()
