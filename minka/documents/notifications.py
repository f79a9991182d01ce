"""What the repository tells people: a document was added (registered in
``DocumentsConfig.ready``).

``documents.added`` is raised when a new document enters the repository
(:func:`minka.documents.services.document_upload`; a new version of a document is a
correction, not news, and raises nothing), to the followers of its topics, and, for a public
document, to the network's group chats and webhooks that chose it ("new documents").

An app above this one that puts documents somewhere (meetings: the agenda of a meeting) calls
:func:`documents_added` with the place and the follow targets of that place once it has
linked them, in its transaction, and registers how to name the place at delivery
(:func:`place_register`); the repository itself never reads the other app's tables::

    place_register("meeting", meeting_place)   # (place_id, context) -> Place | None
    documents_added(
        documents=linked, actor=actor, place=("meeting", meeting.pk),
        targets=[("meetings.series", meeting.series_id)],
    )

The renderer looks again at delivery: a deleted document, or one the recipient may no
longer see, says nothing; a place the recipient may not see is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.models import User
from minka.core.urls_util import absolute_url
from minka.core.visibility import Visibility
from minka.documents import permissions
from minka.documents.models import Document
from minka.notifications.kinds import EventKind, Notice, RenderContext, kind_register
from minka.notifications.services import follower_ids, notify

if TYPE_CHECKING:
    from datetime import datetime

    from minka.core.types import Actor

ADDED = "documents.added"


@dataclass(frozen=True)
class Place:
    """Where a document was added, as the recipient may read it: ``text`` is a full
    sentence ("It is on the agenda of …, on 3 December 2026."), ``url`` absolute or empty,
    ``public_id`` for webhooks."""

    text: str
    url: str = ""
    public_id: str = ""


PlaceDescriber = Callable[[int, RenderContext], Place | None]
_places: dict[str, PlaceDescriber] = {}


def place_register(name: str, describe: PlaceDescriber) -> PlaceDescriber:
    """Register how to name a place of kind ``name`` (``describe(place_id, context)``
    returns ``None`` when the place is gone or the recipient may not see it)."""
    _places[name] = describe
    return describe


def _topic_targets(document: Document) -> list[tuple[str, int]]:
    return [("directory.topic", pk) for pk in document.topics.values_list("pk", flat=True)]


def documents_added(
    *,
    documents: Iterable[Document],
    actor: User | None,
    place: tuple[str, int] | None = None,
    targets: Iterable[tuple[str, int]] = (),
    now: datetime | None = None,
) -> int:
    """Raise ``documents.added`` for each of ``documents`` (call it in the transaction that
    added them). Without ``place``: new documents of the repository, to the followers of
    their topics and, when public, announced. With ``place`` (``(name, id)``, e.g.
    ``("meeting", 12)``): the documents were put there; the followers of ``targets`` (the
    place's follow targets) are told, once per document and place, without an announcement
    (a new document was announced when it was uploaded). ``actor`` is not told."""
    offered = 0
    place_followers = follower_ids(*targets) if place is not None else set()
    for document in documents:
        followed = follower_ids(*_topic_targets(document)) if place is None else place_followers
        users = [
            user
            for user in User.objects.filter(pk__in=followed, is_active=True)
            if permissions.can_view_document(user, document)
        ]
        params: dict[str, int | str | None] = {"document": document.pk}
        key = f"document:{document.pk}:added"
        if place is not None:
            params |= {"place": place[0], "place_id": place[1]}
            key = f"document:{document.pk}:{place[0]}:{place[1]}"
        offered += notify(
            ADDED,
            key=key,
            params=params,
            users=users,
            announce=place is None and document.visibility == Visibility.PUBLIC,
            exclude=actor,
            now=now,
        )
    return offered


def _pk(value: Any) -> int:
    """A message's id parameter (0, which matches nothing, when it is not an id)."""
    return value if isinstance(value, int) else 0


def _place(params: dict[str, Any], context: RenderContext) -> Place | None:
    describe = _places.get(str(params.get("place") or ""))
    place_id = params.get("place_id")
    if describe is None or not isinstance(place_id, int):
        return None
    return describe(place_id, context)


def render_added(params: dict[str, Any], context: RenderContext) -> Notice | None:
    viewer: Actor | None = AnonymousUser() if context.public else context.user
    document = (
        Document.objects.select_related("latest_version")
        .filter(pk=_pk(params.get("document")))
        .first()
    )
    if viewer is None or document is None:
        return None
    if context.public:
        if document.visibility != Visibility.PUBLIC:
            return None
    elif not permissions.can_view_document(viewer, document):
        return None
    place = _place(params, context)
    when = date_format(timezone.localtime(document.created_at), "DATE_FORMAT")
    values = {"title": document.title, "date": when}
    if place is not None:
        headline = _("The document “%(title)s” was added on %(date)s.") % values
    else:
        headline = (
            _("A new document was added to the repository on %(date)s: “%(title)s”.") % values
        )
    subject = _("New document: %(title)s") % values
    url = absolute_url(document.get_absolute_url())
    topics = list(document.topics.order_by("name").values_list("name", flat=True))
    ctx = {
        "document": document,
        "subject": subject,
        "headline": headline,
        "place": place,
        "kind": document.get_kind_display(),
        "topics": ", ".join(topics),
        "issuer": document.issuing_body,
        "description": document.description[:500],
        "url": url,
    }
    payload: dict[str, Any] = {
        "event": ADDED,
        "document": str(document.public_id),
        "title": document.title,
        "kind": document.kind,
        "language": document.language,
        "topics": topics,
        "added_at": document.created_at.isoformat(),
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "url": url,
    }
    if place is not None:
        payload["place"] = {"type": params.get("place"), "id": place.public_id, "url": place.url}
    return Notice(
        subject=subject,
        text=render_to_string("documents/notifications/document_added.txt", ctx).strip(),
        html=render_to_string("documents/notifications/document_added.html", ctx),
        telegram=render_to_string(
            "notifications/telegram/documents_document_added.html", ctx
        ).strip(),
        url=url,
        payload=payload,
    )


kind_register(
    EventKind(
        code=ADDED,
        label=gettext_lazy("A document is added to a topic or a meeting I follow"),
        group=gettext_lazy("Repository"),
        render=render_added,
        announce=True,
    )
)
