"""The file cache of the embedded default (``MINKA_CACHE_URL`` unset or ``file://``).

Django's ``FileBasedCache`` lists its whole folder before every write, to see whether it
is full: 1.3 ms at 1,700 stored pages, on every page the rendered-page cache stores, which
under the load test's writes is most visitors' pages. This one counts its writes and looks
at the folder every :attr:`FileCache.cull_every` writes of the process instead, so the folder
may hold up to ``cull_every`` entries per process beyond ``MAX_ENTRIES`` before a third of
it is dropped, as Django does.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    cull_every = 50

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writes = 0
        self._writes_lock = threading.Lock()

    def _cull(self) -> None:
        with self._writes_lock:
            self._writes += 1
            due = self._writes % self.cull_every == 1  # the first write of a process, too
        if due:
            # Ignored type error: django-stubs leaves out this private method.
            super()._cull()  # type: ignore[misc]
