"""The format readers that the extraction worker runs, one module per format.

Each reader is a function ``extract_<format>(path, ctx)`` that returns an
:class:`~minka.files.extraction.readers.base.Outcome` or raises a
:class:`~minka.files.extraction.readers.base.Failure`; the worker
(:mod:`minka.files.extraction.worker`) maps file types to readers and catches whatever
else a parser raises. Readers run only inside the worker, after its limits and network
guard are in place: they import their parsers when called, never at module level.
"""
