"""Registrations of the polls area in the apps below.

Imported by ``ParticipationConfig.ready``: the kinds of event and the reminders' planner,
the section of a person's data export, and the erasure of a person's answers.
"""

from minka.participation.polls import (  # noqa: F401  (registrations)
    erasure,
    notifications,
    portability,
)
