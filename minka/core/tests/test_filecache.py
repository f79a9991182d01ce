"""The embedded default's file cache looks at its folder every few writes, not at each."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase

from minka.core.filecache import FileCache


class FileCacheTests(SimpleTestCase):
    def cache(self, max_entries: int) -> tuple[FileCache, Path]:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        cache = FileCache(folder.name, {"OPTIONS": {"MAX_ENTRIES": max_entries}})
        cache.cull_every = 5
        return cache, Path(folder.name)

    def test_the_folder_is_listed_once_every_few_writes(self) -> None:
        cache, _folder = self.cache(max_entries=1000)
        with mock.patch.object(
            FileCache, "_list_cache_files", autospec=True, side_effect=lambda self: []
        ) as listing:
            for n in range(20):
                cache.set(f"key{n}", n)
        self.assertEqual(listing.call_count, 4)  # writes 1, 6, 11 and 16
        self.assertEqual([cache.get(f"key{n}") for n in (0, 19)], [0, 19])

    def test_the_folder_stays_bounded(self) -> None:
        cache, folder = self.cache(max_entries=10)
        for n in range(200):
            cache.set(f"key{n}", "x" * 100)
            self.assertLessEqual(len(list(folder.glob("*.djcache"))), 10 + cache.cull_every)
        self.assertEqual(cache.get("key199"), "x" * 100)  # the newest write is kept
