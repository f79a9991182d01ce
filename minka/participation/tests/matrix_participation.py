"""Access-matrix entries of the participation landing page: open to everyone."""

from __future__ import annotations

from minka.core.tests.access_matrix import Access, everyone

MATRIX: dict[str, Access] = {
    "participation:index": Access({"GET": everyone(200)}),
}
