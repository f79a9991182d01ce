"""Every write of the meetings app: ``meetings`` (series, meetings, agenda, the next meeting)
and ``invitations`` (invitations, RSVP, attendance, check-in, notices to invitees). The
minutes' services live in :mod:`minka.meetings.minutes.services`."""
