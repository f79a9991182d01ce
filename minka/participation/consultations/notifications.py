"""What the consultations tell people (registered through ``registrations``).

- ``participation.consultation_opened``: a consultation opened for comments, to the network's
  members and above (a members-only one) and to the followers of its document's topics who may
  see it; a public one also goes to the group chats and webhooks that chose it. Raised when a
  consultation is created or changed already open, and by the planner :func:`consultations_plan`
  when its opening time comes; the key names the consultation, so it goes once.
- ``participation.consultation_closing``: two days before the close, to the same audience,
  except those who already commented (raised by the planner, once per consultation and closing
  date; only for consultations open at least three days).
- ``participation.consultation_comment_hidden``: to the author of a comment a coordinator hid,
  with the reason (transactional: it is about what they wrote).
- ``participation.consultation_response_published``: the coordinators' response, to everyone who
  commented and may still see the consultation.

Renderers look again at delivery: a consultation the recipient may no longer see, or a comment
shown again, says nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.models import User
from minka.core.urls_util import absolute_url
from minka.core.visibility import Visibility, visibilities_for
from minka.directory.follows import TOPIC
from minka.notifications.kinds import EventKind, Notice, RenderContext, kind_register
from minka.notifications.schedule import planner_register
from minka.notifications.services import follower_ids, notify
from minka.participation.consultations import permissions
from minka.participation.consultations.models import Consultation, ConsultationComment, Phase

if TYPE_CHECKING:
    from datetime import datetime

OPENED = "participation.consultation_opened"
CLOSING = "participation.consultation_closing"
COMMENT_HIDDEN = "participation.consultation_comment_hidden"
RESPONSE_PUBLISHED = "participation.consultation_response_published"
# A consultation that opened longer ago than this is not announced by the planner (the
# first run after an upgrade does not announce old consultations).
ANNOUNCE_WINDOW = timedelta(days=2)
EXCERPT = 500
# "Closing soon" goes this long before the close, for consultations open at least
# CLOSING_MINIMUM (a short one's announcement already says when it closes).
CLOSING_NOTICE = timedelta(days=2)
CLOSING_MINIMUM = timedelta(days=3)
NETWORK_ROLES = (User.Role.MEMBER, User.Role.COORDINATOR, User.Role.ADMIN)


def _audience(consultation: Consultation) -> list[User]:
    """Members and above who may see it, and the followers of its document's topics who
    may see it."""
    topics = consultation.document.topics.values_list("pk", flat=True)
    followers = follower_ids(*((TOPIC, pk) for pk in topics))
    users = User.objects.filter(is_active=True).filter(
        role__in=NETWORK_ROLES
    ) | User.objects.filter(is_active=True, pk__in=followers)
    return [u for u in users.distinct() if permissions.can_view_consultation(u, consultation)]


def consultation_opened(consultation: Consultation, *, now: datetime | None = None) -> int:
    """Announce ``consultation`` if it is open (once: the key names it)."""
    if consultation.phase(now) != Phase.OPEN:
        return 0
    return notify(
        OPENED,
        key=f"consultation:{consultation.pk}:opened",
        params={"consultation": consultation.pk},
        users=_audience(consultation),
        announce=consultation.visibility == Visibility.PUBLIC,
        now=now,
    )


def consultation_closing(consultation: Consultation, *, now: datetime) -> int:
    """Remind the audience of ``consultation`` that it closes soon, except those who
    already commented (once per closing date)."""
    commented = set(consultation.comments.exclude(author=None).values_list("author_id", flat=True))
    return notify(
        CLOSING,
        key=f"consultation:{consultation.pk}:closing:{consultation.closes_at.isoformat()}",
        params={"consultation": consultation.pk},
        users=[u for u in _audience(consultation) if u.pk not in commented],
        announce=consultation.visibility == Visibility.PUBLIC,
        now=now,
    )


@planner_register
def consultations_plan(now: datetime) -> int:
    """Announce the consultations that opened in the last :data:`ANNOUNCE_WINDOW`, and
    remind of those closing within :data:`CLOSING_NOTICE`."""
    offered = 0
    recent = Consultation.objects.filter(opens_at__gt=now - ANNOUNCE_WINDOW).open(now)
    for consultation in recent.select_related("document").order_by("opens_at", "pk"):
        offered += consultation_opened(consultation, now=now)
    closing = Consultation.objects.open(now).filter(closes_at__lte=now + CLOSING_NOTICE)
    for consultation in closing.select_related("document").order_by("closes_at", "pk"):
        if consultation.closes_at - consultation.opens_at >= CLOSING_MINIMUM:
            offered += consultation_closing(consultation, now=now)
    return offered


def comment_hidden(comment: ConsultationComment, *, actor: User) -> int:
    if comment.author is None or comment.hidden_at is None:
        return 0
    return notify(
        COMMENT_HIDDEN,
        key=f"consultation-comment:{comment.pk}:hidden:{comment.hidden_at.timestamp():.0f}",
        params={"comment": comment.pk},
        users=[comment.author],
        exclude=actor,
    )


def response_published(consultation: Consultation, *, actor: User) -> int:
    ids = set(consultation.comments.exclude(author=None).values_list("author_id", flat=True))
    users = [
        u
        for u in User.objects.filter(pk__in=ids, is_active=True)
        if permissions.can_view_consultation(u, consultation)
    ]
    return notify(
        RESPONSE_PUBLISHED,
        key=f"consultation:{consultation.pk}:response",
        params={"consultation": consultation.pk},
        users=users,
        exclude=actor,
    )


# --- What --------------------------------------------------------------------------------


def _pk(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _visible(consultation: Consultation, context: RenderContext) -> bool:
    if context.public:
        return consultation.visibility == Visibility.PUBLIC
    if context.user is None:
        return False
    return consultation.visibility in visibilities_for(context.user)


def _document_title(consultation: Consultation, context: RenderContext) -> str:
    """The document's title, when the recipient may see the document (it may have been
    made narrower after the consultation opened)."""
    visibility = consultation.document.visibility
    if context.public or context.user is None:
        return consultation.document.title if visibility == Visibility.PUBLIC else ""
    return consultation.document.title if visibility in visibilities_for(context.user) else ""


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT else f"{text[: EXCERPT - 1].rstrip()}…"


def _notice(name: str, subject: str, ctx: dict[str, Any], url: str, **payload: Any) -> Notice:
    ctx = {**ctx, "subject": subject, "url": url}
    return Notice(
        subject=subject,
        text=render_to_string(f"participation/emails/{name}.txt", ctx).strip(),
        html=render_to_string(f"participation/emails/{name}.html", ctx),
        url=url,
        payload={"url": url, **payload},
    )


def render_opened(params: dict[str, Any], context: RenderContext) -> Notice | None:
    consultation = (
        Consultation.objects.select_related("document")
        .filter(pk=_pk(params.get("consultation")))
        .first()
    )
    if consultation is None or not _visible(consultation, context) or consultation.is_closed:
        return None
    closes = date_format(timezone.localtime(consultation.closes_at), "DATETIME_FORMAT")
    values = {"title": consultation.title, "date": closes}
    subject = _("Consultation open: %(title)s") % values
    ctx = {
        "headline": _("The consultation “%(title)s” is open for comments until %(date)s.") % values,
        "description": _excerpt(consultation.description),
        "document": _document_title(consultation, context),
    }
    url = absolute_url(consultation.get_absolute_url())
    return _notice(
        "consultation_opened",
        subject,
        ctx,
        url,
        event=OPENED,
        consultation=str(consultation.public_id),
        title=consultation.title,
        closes_at=consultation.closes_at.isoformat(),
    )


def render_closing(params: dict[str, Any], context: RenderContext) -> Notice | None:
    consultation = (
        Consultation.objects.select_related("document")
        .filter(pk=_pk(params.get("consultation")))
        .first()
    )
    if consultation is None or not _visible(consultation, context) or not consultation.is_open:
        return None
    closes = date_format(timezone.localtime(consultation.closes_at), "DATETIME_FORMAT")
    values = {"title": consultation.title, "date": closes}
    subject = _("Consultation closing soon: %(title)s") % values
    ctx = {
        "headline": _(
            "The consultation “%(title)s” closes on %(date)s: there is still time to comment."
        )
        % values,
        "description": _excerpt(consultation.description),
        "document": _document_title(consultation, context),
    }
    url = absolute_url(consultation.get_absolute_url())
    return _notice(
        "consultation_opened",
        subject,
        ctx,
        url,
        event=CLOSING,
        consultation=str(consultation.public_id),
        title=consultation.title,
        closes_at=consultation.closes_at.isoformat(),
    )


def render_comment_hidden(params: dict[str, Any], context: RenderContext) -> Notice | None:
    comment = (
        ConsultationComment.objects.select_related("consultation")
        .filter(pk=_pk(params.get("comment")))
        .first()
    )
    user = context.user
    if comment is None or context.public or user is None or not comment.is_hidden:
        return None
    if comment.author_id != user.pk or not _visible(comment.consultation, context):
        return None
    consultation = comment.consultation
    subject = _("Your comment was hidden: %(title)s") % {"title": consultation.title}
    ctx = {
        "headline": _(
            "A coordinator hid your comment on the consultation “%(title)s”. You can still "
            "read it on the consultation's page; others see that it was hidden by moderation."
        )
        % {"title": consultation.title},
        "reason": comment.hidden_reason,
        "body": _excerpt(comment.body),
    }
    url = absolute_url(comment.get_absolute_url())
    return _notice("consultation_comment_hidden", subject, ctx, url, event=COMMENT_HIDDEN)


def render_response_published(params: dict[str, Any], context: RenderContext) -> Notice | None:
    consultation = Consultation.objects.filter(pk=_pk(params.get("consultation"))).first()
    if consultation is None or context.public or not _visible(consultation, context):
        return None
    if not consultation.response:
        return None
    subject = _("Response to the consultation: %(title)s") % {"title": consultation.title}
    ctx = {
        "headline": _(
            "Thank you for your comments. The coordinators published their response to the "
            "consultation “%(title)s”."
        )
        % {"title": consultation.title},
        "response": _excerpt(consultation.response),
    }
    url = absolute_url(consultation.get_absolute_url()) + "#respuesta"
    return _notice(
        "consultation_response",
        subject,
        ctx,
        url,
        event=RESPONSE_PUBLISHED,
        consultation=str(consultation.public_id),
    )


GROUP = gettext_lazy("Consultations")

kind_register(
    EventKind(
        code=OPENED,
        label=gettext_lazy("A consultation opens for comments"),
        group=GROUP,
        render=render_opened,
        announce=True,
    )
)
kind_register(
    EventKind(
        code=CLOSING,
        label=gettext_lazy("A consultation closes in two days"),
        group=GROUP,
        render=render_closing,
        announce=True,
    )
)
kind_register(
    EventKind(
        code=COMMENT_HIDDEN,
        label=gettext_lazy("A coordinator hides one of my comments"),
        group=GROUP,
        render=render_comment_hidden,
        # About what the person wrote: sent whatever the consent to news.
        transactional=True,
    )
)
kind_register(
    EventKind(
        code=RESPONSE_PUBLISHED,
        label=gettext_lazy("The response to a consultation I commented on is published"),
        group=GROUP,
        render=render_response_published,
    )
)
