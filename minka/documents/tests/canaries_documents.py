"""Canaries of the repository: a coordinators-only document (title, description, file name
and the text extracted from its file) must reach nobody below coordinator: not the list,
the document page, a download, the preview, the search results and their snippets or facet
counts. Members-only canaries are crawled as ``anon`` and ``reg`` in ``test_canaries``
(members, ``mem_b`` included, may see them).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse

from minka import search
from minka.core.visibility import Visibility
from minka.documents.tests.factories import DocumentFactory, add_version

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
TITLE = f"Titulo canario {_TAG}"
DESCRIPTION = f"descripcioncanaria{_TAG}"
FILE_NAME = f"archivo-canario-{_TAG}.pdf"
TEXT = f"textocanario{_TAG}"

CANARIES = [TITLE, DESCRIPTION, FILE_NAME, TEXT]


def plant(case: Any) -> None:
    case.canary_document = DocumentFactory.create(
        title=TITLE,
        description=DESCRIPTION,
        visibility=Visibility.COORDINATORS,
        uploaded_by=case.coord,
    )
    add_version(
        case.canary_document,
        text=f"Informe interno.\fEn la página dos: {TEXT} y la red dorsal.",
        name=FILE_NAME,
        uploaded_by=case.coord,
    )
    search.index_object(case.canary_document)


def start_urls(case: Any) -> list[str]:
    """Searches for the words next to the canaries, with and without filters. (Searching
    for a canary itself would only echo the query back; ``test_canaries`` checks that.)"""
    base = reverse("search:search")
    queries = ["informe interno", "dorsal", '"red dorsal"', "pagina dos", "canario"]
    urls = [f"{base}?{urlencode({'q': q})}" for q in queries]
    urls.append(f"{base}?{urlencode({'q': 'dorsal', 'kind': 'presentation'})}")
    urls.append(reverse("documents:document-list") + "?sort=title")
    return urls


def check_shown(test: RoleTestCase) -> None:
    """Coordinators see the document, its file name, and its text through search."""
    coord = test.as_("coord")
    document = test.canary_document  # type: ignore[attr-defined]
    page = coord.get(document.get_absolute_url())
    for canary in (TITLE, DESCRIPTION, FILE_NAME):
        test.assertContains(page, canary)
    found = coord.get(reverse("search:search"), {"q": TEXT})
    test.assertContains(found, TEXT)
    test.assertContains(found, TITLE)
