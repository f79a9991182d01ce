"""Registrations of the polls area in the apps below.

Imported by ``ParticipationConfig.ready``.
"""
