"""The ``minka`` command: Django's ``manage.py`` for an installed Minka.

A configuration error (a missing or malformed ``MINKA_*`` setting, a data folder that cannot
be written) is printed as one line naming the setting, and the command exits with status 2;
it is never a traceback.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Read the settings before Django does: its own handling would go on without them
        # (`minka help`) and fail later with a traceback.
        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.stderr.write(f"minka: configuration error: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
