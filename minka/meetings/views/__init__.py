"""Views of the meetings app, one module per area; the routes are in ``minka.meetings.urls``."""
