"""Registrations of the consultations area in the apps below.

Imported by ``ParticipationConfig.ready``: its kinds of event and the planner that announces
openings, its sections of a person's data export, its search type, and the erasure of a
person's comments and reports.
"""

from minka.directory.hooks import register_person_erasure
from minka.participation.consultations import (  # noqa: F401  (registrations)
    erasure,
    notifications,
    portability,
    search_index,
)

search_index.register()
register_person_erasure(erasure.erase_comments)
