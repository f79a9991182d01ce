"""Registrations of the applications area in the apps below.

Imported by ``ParticipationConfig.ready``.
"""
