"""Read the structure of minutes within a time budget, in a child process.

:func:`parse_minutes_within_budget` gives the same result as
:func:`minka.meetings.minutes.importers.spanish.parse_minutes`, but the parser runs in a
child process, so that text that is slow to read (a megabyte of short "Acuerdo:" lines costs
seconds) cannot hold a web worker. The child is limited as the documents' extraction worker
is (:mod:`minka.files.extraction.sandbox`): CPU time (``IMPORT_PARSE_TIMEOUT`` seconds;
it also stops a child whose parent died), address space (``EXTRACTION_MEMORY_MB``), open
files, no core dumps, and no network or program launches. The parent waits at most twice
the budget plus a second of wall time (a busy server slows the child down without it using
more CPU), then kills the child's process group. The child gets a minimal environment (no
settings, no secrets), the text on standard input, and prints the parsed minutes as JSON
(:meth:`ParsedMinutes.to_dict`); its warnings are translated there, in the caller's
language, from the same catalogs.

Run ``python -m minka.meetings.minutes.importers.budget JOB`` only through this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from minka.meetings.minutes.importers.errors import MinutesTooComplex, ParserUnavailable
from minka.meetings.minutes.importers.parsed import ParsedMinutes

logger = logging.getLogger(__name__)

MODULE = "minka.meetings.minutes.importers.budget"
OUTPUT_MAX_BYTES = 64 * 1024 * 1024
_MEMORY_SIGNS = (b"MemoryError", b"Cannot allocate memory")


def _too_complex() -> MinutesTooComplex:
    from django.utils.translation import gettext as _

    return MinutesTooComplex(
        _(
            "The minutes are too long or complex to read in the time allowed. Split them "
            "or remove the repeated text and try again."
        )
    )


def _unavailable() -> ParserUnavailable:
    from django.utils.translation import gettext as _

    return ParserUnavailable(
        _(
            "The minutes could not be read because of a problem on the server. Try again "
            "in a few minutes."
        )
    )


def parse_minutes_within_budget(
    text: str, *, year: int | None, timeout: int | None = None
) -> ParsedMinutes:
    """Find the structure of the minutes ``text`` (as ``parse_minutes(text, year=year)``
    would, with the site's current date) in a child process given ``timeout`` seconds of
    CPU (by default the ``IMPORT_PARSE_TIMEOUT`` setting).

    Raises :class:`MinutesTooComplex` when the child runs out of time or memory, and
    :class:`ParserUnavailable` (logged) when it cannot start or gives no usable result;
    both carry a translated message for the user and never quote the text.
    """
    from django.conf import settings
    from django.utils import timezone, translation

    seconds = max(1, math.ceil(timeout if timeout is not None else settings.IMPORT_PARSE_TIMEOUT))
    job = {
        "cpu_seconds": seconds,
        "memory_mb": int(settings.EXTRACTION_MEMORY_MB),
        "year": year,
        "today": timezone.localdate().isoformat(),
        "language_code": settings.LANGUAGE_CODE,
        "language": translation.get_language(),  # None: translations deactivated
        "locale_paths": [str(path) for path in settings.LOCALE_PATHS],
    }
    wall = 2 * seconds + 1
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="minka-parse-") as folder:
        try:
            process = subprocess.Popen(  # noqa: S603 -- this interpreter and a fixed module.
                _command(job),
                cwd=folder,
                env=_environment(Path(folder)),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                close_fds=True,
            )
        except OSError:
            logger.exception("The minutes parser's child process did not start.")
            raise _unavailable() from None
        # "surrogatepass": text extracted from a PDF may hold a lone surrogate.
        payload = text.encode("utf-8", "surrogatepass")
        out, err, timed_out = _communicate(process, payload, wall)
    elapsed = time.monotonic() - started
    status = process.returncode
    if (
        timed_out
        or status in (-signal.SIGXCPU, -signal.SIGKILL)
        or (status != 0 and any(sign in err[-16384:] for sign in _MEMORY_SIGNS))
    ):
        logger.warning(
            "Minutes of %d characters were not parsed within the budget of %d s "
            "(stopped after %.1f s, exit status %s).",
            len(text),
            seconds,
            elapsed,
            "timeout" if timed_out else status,
        )
        raise _too_complex()
    if status != 0:
        logger.error(
            "The minutes parser's child process failed (exit status %s): %s",
            status,
            err[-2000:].decode("utf-8", errors="replace"),
        )
        raise _unavailable()
    parsed = _read_result(out)
    if parsed is None:
        logger.error("The minutes parser's child process gave an unexpected result.")
        raise _unavailable()
    return parsed


def _command(job: dict[str, Any]) -> list[str]:
    return [sys.executable, "-m", MODULE, json.dumps(job)]


def _environment(folder: Path) -> dict[str, str]:
    """The child's whole environment: what Python needs to find Minka, nothing else."""
    import minka

    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "TMPDIR": str(folder),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(Path(minka.__file__).resolve().parent.parent),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
    }


def _communicate(
    process: subprocess.Popen[bytes], payload: bytes, wall: float
) -> tuple[bytes, bytes, bool]:
    """Send ``payload``, wait at most ``wall`` seconds for the output, and make sure the
    child's process group is gone (killed if still running, also when interrupted)."""
    out, err, timed_out = b"", b"", False
    try:
        out, err = process.communicate(payload, timeout=wall)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        if process.poll() is None:
            # Not reaped yet, so the group id cannot have been reused.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    if len(out) > OUTPUT_MAX_BYTES:
        return b"", err, timed_out
    return out, err, timed_out


def _read_result(out: bytes) -> ParsedMinutes | None:
    """The child's output as :class:`ParsedMinutes`, or None unless it is exactly what
    :meth:`ParsedMinutes.to_dict` gives (text or null leaves in the expected places)."""
    try:
        data = json.loads(out)
        if not isinstance(data, dict) or not _only_text(data):
            return None
        parsed = ParsedMinutes.from_dict(data)
        if parsed.to_dict() != data:
            return None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return parsed


def _only_text(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(key, str) and _only_text(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_only_text(item) for item in value)
    return value is None or isinstance(value, str)


# --- The child -------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    """Limit this process, read the text on standard input, parse it, print the JSON."""
    from minka.files.extraction.sandbox import apply_limits, install_guard

    job = json.loads(argv[1])
    apply_limits(memory_mb=int(job["memory_mb"]), cpu_seconds=int(job["cpu_seconds"]))
    install_guard(())
    text = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
    _configure_translations(
        job["language"], str(job["language_code"]), [str(path) for path in job["locale_paths"]]
    )

    from minka.meetings.minutes.importers.spanish import parse_minutes

    today = dt.date.fromisoformat(job["today"])
    parsed = parse_minutes(text, year=job["year"], today=today)
    # ASCII JSON: a lone surrogate in the text travels as an escape.
    sys.stdout.buffer.write(json.dumps(parsed.to_dict()).encode("ascii"))
    return 0


def _configure_translations(
    language: str | None, language_code: str, locale_paths: list[str]
) -> None:
    """Django's translations as the parent has them (``language`` active, or none when
    None), without the application: no apps, database or secrets."""
    from django.apps import apps
    from django.conf import settings
    from django.utils import translation

    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE=language_code,
        LOCALE_PATHS=locale_paths,
        INSTALLED_APPS=[],
        LOGGING_CONFIG=None,
    )
    apps.populate([])
    if language is None:
        translation.deactivate_all()
    else:
        translation.activate(language)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
