"""ASGI entry point.

A configuration error stops the server with one line naming the setting (no traceback).
"""

import os
import sys

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
try:
    application = get_asgi_application()
except ImproperlyConfigured as error:
    sys.exit(f"minka: configuration error: {error}")
