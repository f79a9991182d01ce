"""Access-matrix entries of the Atom feeds (``/feeds/*.atom``): public, the same for
everyone (200 for every persona); any method but GET and HEAD answers 405. What each feed
lists is checked in ``test_feeds`` and by the canaries (``canaries_feeds``)."""

from __future__ import annotations

from minka.core.tests.access_matrix import Access, everyone

MATRIX: dict[str, Access] = {
    "feeds:minutes": Access({"GET": everyone(200)}),
    "feeds:documents": Access({"GET": everyone(200)}),
    "feeds:meetings": Access({"GET": everyone(200)}),
    "feeds:commitments": Access({"GET": everyone(200)}),
}
