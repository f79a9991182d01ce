"""Errors of the minutes importer."""


class UnreadableMinutes(Exception):  # noqa: N818 -- an outcome users see, not a programming error.
    """The file cannot be read as minutes (no text layer, encrypted, corrupt, empty, too
    large or of an unsupported type). ``str(error)`` is a translated, user-facing message
    that never quotes the file's contents."""


class MinutesTooComplex(UnreadableMinutes):
    """Reading the structure of the minutes needed more than the importer's time (or
    memory) budget, and was stopped (:mod:`minka.meetings.minutes.importers.budget`)."""


class ParserUnavailable(UnreadableMinutes):
    """The child process that reads the structure could not run or gave no usable result:
    a problem of the server, not of the file (logged for the administrators)."""
