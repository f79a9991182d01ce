"""What the agreements app adds to the apps below it (registered in ``AgreementsConfig.ready``).

- Approved (published, corrected) minutes: their agreements become commitments.
- The next meeting's "follow-up of agreements" item: live, from the commitments (the copy of
  the previous minutes' agreements that meetings would add is replaced).
- The meeting's page (under that item) and the minutes' page: what is pending, and the
  commitments born from these minutes.
- An organization's page: the commitments it holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from minka.agreements import conversion, permissions, selectors
from minka.agreements.models import Status
from minka.directory.hooks import (
    OrganizationSection,
    register_organization_merge,
    register_organization_section,
)
from minka.meetings import hooks as meetings_hooks
from minka.meetings.models import AgendaItem

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.directory.models import Organization
    from minka.meetings.models import Meeting, Minutes


@meetings_hooks.register_minutes_approved
def agreements_to_commitments(minutes: Minutes) -> None:
    conversion.commitments_from_minutes(minutes)


def follow_up_item(previous: Meeting) -> list[meetings_hooks.AgendaItemDraft]:
    """One "follow-up of agreements" item; its content is the live list of what is pending,
    shown on the meeting's page."""
    return [
        meetings_hooks.AgendaItemDraft(
            title=_("Follow-up of agreements"),
            description=_(
                "The pending and overdue commitments, with their owners, deadlines and latest "
                "update, are listed below, as they stand."
            ),
            kind=AgendaItem.Kind.FOLLOW_UP,
        )
    ]


meetings_hooks.unregister_next_meeting_items(meetings_hooks.follow_up_of_agreements)
meetings_hooks.register_next_meeting_items(follow_up_item)


@meetings_hooks.register_follow_up_section
def pending_commitments(user: Actor, meeting: Meeting) -> meetings_hooks.PageSection:
    return meetings_hooks.PageSection(
        "agreements/partials/follow_up.html",
        {
            "commitments": selectors.follow_up_commitments(user, meeting),
            "can_record": permissions.can_manage_commitments(user) and not meeting.is_cancelled,
            "meeting": meeting,
        },
    )


@meetings_hooks.register_minutes_section
def minutes_commitments(user: Actor, minutes: Minutes) -> meetings_hooks.PageSection | None:
    """The commitments born from these minutes; before approval, for coordinators, what
    approval will create, with the owners each "Responsable" matches in the directory and
    those it does not (to assign after approval)."""
    commitments = list(
        selectors.with_owners(
            selectors.commitments_visible_to(user).filter(minutes=minutes).order_by("pk"), user
        )
    )
    can_manage = permissions.can_manage_commitments(user)
    proposals = []
    if can_manage and not minutes.is_locked:
        proposals = conversion.proposals(minutes)
    if not commitments and not proposals:
        return None
    return meetings_hooks.PageSection(
        "agreements/partials/minutes_commitments.html",
        {"commitments": commitments, "proposals": proposals, "can_manage": can_manage},
    )


@meetings_hooks.register_agreement_links
def agreement_commitments(user: Actor, minutes: Minutes) -> dict[str, meetings_hooks.AgreementLink]:
    """Each converted agreement links to its commitment (which links back to it)."""
    rows = (
        selectors.commitments_visible_to(user)
        .filter(minutes=minutes)
        .exclude(agreement_key="")
        .values_list("agreement_key", "public_id", "status")
    )
    labels = dict(Status.choices)
    return {
        key: meetings_hooks.AgreementLink(
            reverse("agreements:commitment-detail", args=[public_id]),
            _("Commitment: %(status)s") % {"status": labels[status]},
        )
        for key, public_id, status in rows
    }


@register_organization_section
def organization_commitments(user: Actor, organization: Organization) -> OrganizationSection:
    commitments = list(
        selectors.with_owners(
            selectors.commitments_visible_to(user)
            .filter(responsible_organizations=organization)
            .order_by("status", "due_date", "pk"),
            user,
        )[:50]
    )
    return OrganizationSection(
        "agreements/partials/organization_commitments.html", {"commitments": commitments}
    )


@register_organization_merge
def move_commitments(keep: Organization, duplicate: Organization) -> None:
    """The commitments and goals the duplicate was responsible for pass to the one kept."""
    for commitment in duplicate.commitments.all():
        commitment.responsible_organizations.add(keep)
    for goal in duplicate.goals.all():
        goal.responsible_organizations.add(keep)
