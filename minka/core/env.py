"""Typed readers for the environment variables that configure Minka, and the settings file.

Settings are read only from the environment (``MINKA_*`` and ``DATABASE_URL``). Each helper
returns a safe default when the variable is unset or empty and fails loudly on a malformed value,
so that a typo never silently switches a protection off. Every error is a
:class:`ConfigurationError` whose message names the variable: the ``minka`` command prints it
as one line, without a traceback.

A settings file of ``NAME=value`` lines (``minka.env`` in the current folder, or the file
``MINKA_ENV_FILE`` names) fills in the variables the environment leaves unset; ``make run``
writes one for development (:func:`dev_env_file_create`), and a production install fills in
the same names (``deploy/minka.env.example``, also systemd's ``EnvironmentFile``).
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from collections.abc import MutableMapping

ENV_FILE_NAME = "minka.env"


class ConfigurationError(ImproperlyConfigured):
    """A missing or invalid setting; the message names the variable and how to fix it."""


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
    raise ConfigurationError(f"{name} must be a boolean (true/false), got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return the variable as an integer, checking an optional lower bound."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {number}.")
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
        raise ConfigurationError(f"Set either {name} or {name}_FILE, not both.")
    if file_name is not None:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(f"{name}_FILE cannot be read: {error.strerror}.") from None
    return default if value is None else value


# --- Folders --------------------------------------------------------------------------------


def ensure_folder(path: Path, variable: str, *, mode: int = 0o750) -> Path:
    """Create ``path`` (and its parents) with ``mode`` if it is missing, and check that this
    user can write in it; otherwise raise a :class:`ConfigurationError` naming the folder and
    the variable that chooses it. An existing folder keeps its permissions."""
    if path.exists() and not path.is_dir():
        raise ConfigurationError(f"{variable}: {path} is not a folder. Set {variable} to a folder.")
    try:
        path.mkdir(mode=mode, parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ConfigurationError(
            f"{variable}: the folder {path} cannot be created ({reason}). "
            f"Create it, or set {variable} to a folder this user can write in."
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigurationError(
            f"{variable}: the folder {path} is not writable by this user. "
            f"Give the user write access, or set {variable} to another folder."
        )
    return path


# --- The settings file ----------------------------------------------------------------------


def env_file_path(environ: MutableMapping[str, str] | None = None) -> Path | None:
    """The settings file to read: ``MINKA_ENV_FILE`` if set (it must exist), otherwise
    ``minka.env`` in the current folder if there is one, otherwise ``None``."""
    environ = os.environ if environ is None else environ
    named = (environ.get("MINKA_ENV_FILE") or "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigurationError(
                f"MINKA_ENV_FILE names {path}, which is not a readable file. "
                "Point it to the settings file, or unset it."
            )
        return path.resolve()
    local = Path.cwd() / ENV_FILE_NAME
    return local if local.is_file() else None


# systemd's EnvironmentFile= grammar (src/basic/env-file.c): the characters that start a
# comment line, the blanks skipped around names and values, and those a backslash escapes
# inside double quotes.
_COMMENT_START = "#;"
_BLANK = " \t"
_DOUBLE_QUOTE_ESCAPABLE = '"\\`$'


def _env_file_entries(text: str) -> list[tuple[int, str, str | None]]:
    """Split ``text`` as systemd reads an ``EnvironmentFile=``: one ``(line, name, value)``
    per assignment, the value ``None`` for a line without ``=``. The rules, as systemd's
    parser (``src/basic/env-file.c``) applies them:

    - A line whose first non-blank character is ``#`` or ``;`` is a comment; anywhere else
      these characters are kept (``A=x # y`` gives ``x # y``).
    - Blanks around the name and before the value are dropped, and trailing blanks of an
      unquoted value; blanks inside it are kept (``A=two words`` gives ``two words``).
    - A value may start with quoted parts: ``'…'`` keeps everything literally, ``"…"``
      unescapes ``\\"``, ``\\\\``, ``\\` `` and ``\\$`` and keeps other backslashes;
      quotes may span lines, and what follows a closing quote is joined (``A="a b"c`` gives
      ``a bc``). Once an unquoted character is read, quotes are literal (``A=a "b"``).
    - Outside quotes a backslash keeps the next character; one ending a line joins the next.
    - Nothing is expanded: ``$HOME`` stays ``$HOME``.
    """
    entries: list[tuple[int, str, str | None]] = []
    state = "pre_key"
    line = 1
    start_line = 1
    name: list[str] = []
    value: list[str] = []
    keep = 0  # length of the unquoted value without its trailing blanks

    def push() -> None:
        entries.append((start_line, "".join(name).rstrip(_BLANK), "".join(value[:keep])))

    for char in text:
        newline = char in "\n\r"  # systemd ends a line at either
        if state == "pre_key":
            if char in _COMMENT_START:
                state = "comment"
            elif not newline and char not in _BLANK:
                state, start_line, name, value, keep = "key", line, [char], [], 0
        elif state == "comment":
            if newline:
                state = "pre_key"
        elif state == "key":
            if newline:
                entries.append((start_line, "".join(name).rstrip(_BLANK), None))
                state = "pre_key"
            elif char == "=":
                state = "pre_value"
            else:
                name.append(char)
        elif state == "pre_value":
            if newline:
                push()
                state = "pre_key"
            elif char == "'":
                state = "single_quote"
            elif char == '"':
                state = "double_quote"
            elif char == "\\":
                state = "value_escape"
            elif char not in _BLANK:
                value.append(char)
                keep = len(value)
                state = "value"
        elif state == "value":
            if newline:
                push()
                state = "pre_key"
            elif char == "\\":
                state = "value_escape"
            else:
                value.append(char)
                if char not in _BLANK:
                    keep = len(value)
        elif state == "value_escape":
            state = "value"
            if not newline:
                value.append(char)
                keep = len(value)
        elif state == "single_quote":
            if char == "'":
                state = "pre_value"
            else:
                value.append(char)
                keep = len(value)
        elif state == "double_quote":
            if char == '"':
                state = "pre_value"
            elif char == "\\":
                state = "double_quote_escape"
            else:
                value.append(char)
                keep = len(value)
        else:  # double_quote_escape
            state = "double_quote"
            if char in _DOUBLE_QUOTE_ESCAPABLE:
                value.append(char)
            elif char != "\n":
                value.extend(("\\", char))
            keep = len(value)
        if char == "\n":
            line += 1
    if state == "key":
        entries.append((start_line, "".join(name).rstrip(_BLANK), None))
    elif state not in ("pre_key", "comment"):
        push()
    return entries


def env_file_parse(text: str, *, source: str) -> dict[str, str]:
    """The ``NAME=value`` assignments of a settings file, read exactly as systemd reads an
    ``EnvironmentFile=`` (see :func:`_env_file_entries`), so that the services and the
    ``minka`` command see the same values. It is not a shell script: nothing is expanded and
    ``export`` is not a keyword. A line systemd would ignore with only a log message (no
    ``=``, a name that is not a variable name, ``export NAME=…``) is an error here, naming its
    line, so that a value is never silently lost. A later assignment wins."""
    values: dict[str, str] = {}
    for number, name, value in _env_file_entries(text):
        if name.startswith(("export ", "export\t")):
            raise ConfigurationError(
                f"{source}, line {number}: remove 'export': this file is read by systemd "
                "(EnvironmentFile=), not by a shell, and systemd ignores such a line."
            )
        if value is None or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            shown = name if value is None else f"{name}={value}"
            raise ConfigurationError(
                f"{source}, line {number}: expected NAME=value, got {shown.strip()[:40]!r}."
            )
        values[name] = value
    return values


def env_file_load(path: Path, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Set in ``environ`` (``os.environ`` by default) every variable of the file at ``path``
    that is not set there already: the environment wins over the file. Return the names set."""
    environ = os.environ if environ is None else environ
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise ConfigurationError(f"The settings file {path} cannot be read ({reason}).") from None
    loaded = []
    for name, value in env_file_parse(text, source=str(path)).items():
        if (environ.get(name) or "").strip() == "":
            environ[name] = value
            loaded.append(name)
    return loaded


DEV_ENV_TEMPLATE = """\
# Minka: local development settings, written once by `make run` and never overwritten.
# Keep it out of version control (.gitignore lists it): it holds this checkout's secret key.
# The `minka` command reads this file when run from this folder; a variable set in the
# environment wins over the file. A production install fills in the same names:
# see deploy/minka.env.example and the README's "Configuration".
MINKA_DEBUG=true
MINKA_SECRET_KEY={secret_key}
MINKA_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
# MINKA_DATA_DIR=var
# DATABASE_URL=postgres://minka@127.0.0.1:5432/minka
"""


def dev_env_file_create(path: Path) -> bool:
    """Write a development settings file at ``path`` (debug on, a new random secret key,
    emails printed on the console), readable by its owner only. An existing file is never
    touched. Return whether the file was written."""
    content = DEV_ENV_TEMPLATE.format(secret_key=secrets.token_urlsafe(50))
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m minka.core.env [PATH]``: write the development settings file (``make run``)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else ENV_FILE_NAME)
    if dev_env_file_create(path):
        sys.stdout.write(f"Wrote {path}: development settings with a new secret key.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
