"""Typed readers for the environment variables that configure Minka.

Settings are read only from the environment (``MINKA_*`` and ``DATABASE_URL``). Each helper
returns a safe default when the variable is unset or empty and fails loudly on a malformed value,
so that a typo never silently switches a protection off.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "si", "sí"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    """Return the variable as a string, or ``default`` when unset or empty."""
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, *, default: bool = False) -> bool:
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return the variable as an integer, checking an optional lower bound."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """Return the variable as an absolute path."""
    value = _raw(name)
    return (Path(value) if value is not None else default).expanduser().resolve()


def env_secret(name: str, default: str = "") -> str:
    """Return a secret from ``NAME`` or from the file named by ``NAME_FILE``.

    The ``_FILE`` form lets deployments keep secrets out of the process environment
    (Docker and systemd credentials); setting both is an error, because it is ambiguous.
    """
    value = _raw(name)
    file_name = _raw(f"{name}_FILE")
    if value is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name is not None:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {error.strerror}.") from None
    return default if value is None else value
