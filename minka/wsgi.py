"""WSGI entry point (``gunicorn minka.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
application = get_wsgi_application()
