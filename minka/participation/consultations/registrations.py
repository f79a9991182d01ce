"""Registrations of the consultations area in the apps below.

Imported by ``ParticipationConfig.ready``.
"""
