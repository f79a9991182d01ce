"""WSGI entry point (``gunicorn minka.wsgi``).

A configuration error stops the server with one line naming the setting (no traceback).
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    sys.exit(f"minka: configuration error: {error}")
