"""Errors of the minutes importer."""


class UnreadableMinutes(Exception):  # noqa: N818 -- an outcome users see, not a programming error.
    """The file cannot be read as minutes (no text layer, encrypted, corrupt, empty, too
    large or of an unsupported type). ``str(error)`` is a translated, user-facing message
    that never quotes the file's contents."""
