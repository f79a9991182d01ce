"""Meetings: series, agenda, invitations and RSVP, attendance, calendars; ``minutes/`` holds
the minutes, their revisions, review cycle and exports."""
