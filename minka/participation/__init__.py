"""Participation: agenda proposals, public consultations, membership applications and date polls."""
