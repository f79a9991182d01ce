"""What people may follow in the directory: a topic and an organization.

An organization's page carries its follow button. A topic has no page of its own: its
button sits on the repository filtered by the topic, where its documents are listed, and
that is where the person's list of follows links to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from minka.directory.models import Topic
from minka.directory.selectors import organizations_visible_to
from minka.notifications.follows import FollowTarget, follow_target_register

if TYPE_CHECKING:
    from collections.abc import Collection

    from minka.core.types import Actor

TOPIC = "directory.topic"
ORGANIZATION = "directory.organization"


def _topic_page() -> str:
    """The repository's list (by name: the directory does not import the repository), or
    the directory's list when the repository is switched off; both filter by topic."""
    try:
        return reverse("documents:document-list")
    except NoReverseMatch:
        return reverse("directory:organization-list")


def topic_lookup(ids: Collection[int], user: Actor) -> dict[int, tuple[str, str]]:
    """Name and page of the topics among ``ids`` (topics are public; one query)."""
    base = _topic_page()
    rows = Topic.objects.filter(pk__in=list(ids)).values_list("pk", "name", "slug")
    return {pk: (name, f"{base}?{urlencode({'topic': slug})}") for pk, name, slug in rows}


def organization_lookup(ids: Collection[int], user: Actor) -> dict[int, tuple[str, str]]:
    """Name and page of the organizations among ``ids`` that ``user`` may see (one query)."""
    rows = organizations_visible_to(user).filter(pk__in=list(ids)).values_list("pk", "name", "slug")
    return {
        pk: (name, reverse("directory:organization-detail", args=[slug])) for pk, name, slug in rows
    }


follow_target_register(
    FollowTarget(
        type=TOPIC,
        label=_("Topic"),
        lookup=topic_lookup,
        follow_text=_("Follow this topic"),
        following_text=_("You follow this topic."),
    )
)
follow_target_register(
    FollowTarget(
        type=ORGANIZATION,
        label=_("Organization"),
        lookup=organization_lookup,
        follow_text=_("Follow this organization"),
        following_text=_("You follow this organization."),
    )
)
