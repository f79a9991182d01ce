"""Every write of the meetings app: ``meetings`` (series, meetings, agenda, the next meeting),
``invitations`` (invitations, RSVP, notices to invitees), ``attendance`` (attendance,
walk-ins, self check-in) and ``calendar`` (the personal calendar feed). The minutes' services
live in :mod:`minka.meetings.minutes.services`."""
