"""Views of the meetings app, one module per area; each module exports ``urlpatterns``."""
