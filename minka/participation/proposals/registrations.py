"""Registrations of the proposals area in the apps below.

Imported by ``ParticipationConfig.ready``.
"""
