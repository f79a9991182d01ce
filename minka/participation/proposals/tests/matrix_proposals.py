"""Access-matrix entries of agenda proposals.

Objects: a public and an internal (members) open proposal of ``mem_a`` (organization A),
nobody supporting them, each with a comment by ``mem_b``; a hidden comment on the public
one; a planned members-only meeting to accept them into.

Readings: the list is for everyone; a proposal's page is for everyone (public) or members
and above (internal: 404 below). Proposing is for members (a visitor is sent to sign in,
``reg`` gets 403). Editing and withdrawing are for the proposer (``mem_a``). Supporting and
commenting are for any signed-in account that may see the proposal; the proposer's own
support is refused (400) with a message. Deciding and moderating are for coordinators.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from minka.core.tests.access_matrix import Access, everyone, form_view, row
from minka.core.visibility import Visibility
from minka.meetings.tests.factories import MeetingFactory
from minka.participation.proposals.tests.factories import (
    ProposalCommentFactory,
    ProposalFactory,
)

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS = row(404, 404, 200, 200, 200, 200)
MEMBER_PAGE = row(302, 403, 200, 200, 200, 200)
MEMBER_REFUSED = row(302, 403, 400, 400, 400, 400)
MEMBER_DONE = row(302, 403, 302, 302, 302, 302)
PROPOSER_PAGE = row(302, 403, 200, 403, 403, 403)
PROPOSER_REFUSED = row(302, 403, 400, 403, 403, 403)
PROPOSER_DONE = row(302, 403, 302, 403, 403, 403)
COORDINATOR_PAGE = row(302, 403, 403, 403, 200, 200)
COORDINATOR_REFUSED = row(302, 403, 403, 403, 400, 400)
COORDINATOR_DONE = row(302, 403, 403, 403, 302, 302)
COORDINATOR_UNKNOWN = row(302, 403, 403, 403, 404, 404)
PROPOSAL_DATA = {
    "title": "Mesa con la comunidad técnica",
    "description": "Conversar sobre gobernanza de internet.",
    "visibility": "public",
}
DECLINE = {"decision": "decline", "reason": "Ya se trató en la reunión anterior."}

MATRIX: dict[str, Access] = {
    "participation:proposal-list": Access({"GET": everyone(200)}),
    "participation:proposal-create": Access(form_view(MEMBER_PAGE, MEMBER_REFUSED)),
    "participation:proposal-create[valid]": Access(
        form_view(MEMBER_PAGE, MEMBER_DONE), data=PROPOSAL_DATA
    ),
    "participation:proposal-detail": Access({"GET": everyone(200)}, kwargs="pp_public"),
    "participation:proposal-detail[members]": Access({"GET": MEMBERS}, kwargs="pp_members"),
    "participation:proposal-detail[unknown]": Access({"GET": everyone(404)}, kwargs="pp_unknown"),
    "participation:proposal-edit": Access(
        form_view(PROPOSER_PAGE, PROPOSER_REFUSED), kwargs="pp_public"
    ),
    "participation:proposal-edit[valid]": Access(
        form_view(PROPOSER_PAGE, PROPOSER_DONE), kwargs="pp_public", data=PROPOSAL_DATA
    ),
    "participation:proposal-edit[members]": Access(
        form_view(row(404, 404, 200, 403, 403, 403), row(404, 404, 400, 403, 403, 403)),
        kwargs="pp_members",
    ),
    "participation:proposal-withdraw": Access({"POST": PROPOSER_DONE}, kwargs="pp_public"),
    "participation:proposal-withdraw[members]": Access(
        {"POST": row(404, 404, 302, 403, 403, 403)}, kwargs="pp_members"
    ),
    # The proposer's own support is refused with a message (400).
    "participation:proposal-support": Access(
        {"POST": row(302, 302, 400, 302, 302, 302)}, kwargs="pp_public"
    ),
    "participation:proposal-support[members]": Access(
        {"POST": row(404, 404, 400, 302, 302, 302)}, kwargs="pp_members"
    ),
    "participation:proposal-support[unknown]": Access({"POST": everyone(404)}, kwargs="pp_unknown"),
    "participation:proposal-unsupport": Access(
        {"POST": row(302, 302, 302, 302, 302, 302)}, kwargs="pp_public"
    ),
    "participation:proposal-unsupport[members]": Access(
        {"POST": row(404, 404, 302, 302, 302, 302)}, kwargs="pp_members"
    ),
    "participation:proposal-decide": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="pp_public"
    ),
    "participation:proposal-decide[decline]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE), kwargs="pp_public", data=DECLINE
    ),
    "participation:proposal-decide[members]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="pp_members"
    ),
    "participation:proposal-decide[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="pp_unknown"
    ),
    # An empty comment is refused (400); a visitor is sent to sign in first.
    "participation:proposal-comment-create": Access(
        {"POST": row(302, 400, 400, 400, 400, 400)}, kwargs="pp_public"
    ),
    "participation:proposal-comment-create[valid]": Access(
        {"POST": everyone(302)}, kwargs="pp_public", data={"body": "Estoy de acuerdo."}
    ),
    "participation:proposal-comment-create[members]": Access(
        {"POST": row(404, 404, 302, 302, 302, 302)},
        kwargs="pp_members",
        data={"body": "Estoy de acuerdo."},
    ),
    "participation:proposal-comment-hide": Access(
        {"POST": COORDINATOR_REFUSED}, kwargs="pp_comment"
    ),
    "participation:proposal-comment-hide[valid]": Access(
        {"POST": COORDINATOR_DONE}, kwargs="pp_comment", data={"reason": "Fuera de tema."}
    ),
    "participation:proposal-comment-hide[members]": Access(
        {"POST": COORDINATOR_DONE}, kwargs="pp_members_comment", data={"reason": "Fuera de tema."}
    ),
    "participation:proposal-comment-hide[other]": Access(
        {"POST": COORDINATOR_UNKNOWN}, kwargs="pp_comment_elsewhere", data={"reason": "x"}
    ),
    # Showing a comment that is not hidden is refused (400); a hidden one is shown (302).
    "participation:proposal-comment-unhide": Access(
        {"POST": COORDINATOR_REFUSED}, kwargs="pp_comment"
    ),
    "participation:proposal-comment-unhide[hidden]": Access(
        {"POST": COORDINATOR_DONE}, kwargs="pp_hidden_comment"
    ),
}

UNKNOWN = "00000000-0000-4000-8000-00000000b0b0"


def _public_id(attribute: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, attribute).public_id}


def _comment(attribute: str, proposal: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, proposal).public_id, "pk": getattr(o, attribute).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "pp_public": _public_id("pp_public"),
    "pp_members": _public_id("pp_members"),
    "pp_unknown": lambda o: {"public_id": UNKNOWN},
    "pp_comment": _comment("pp_comment", "pp_public"),
    "pp_members_comment": _comment("pp_members_comment", "pp_members"),
    "pp_comment_elsewhere": _comment("pp_comment", "pp_members"),
    "pp_hidden_comment": _comment("pp_hidden_comment", "pp_public"),
}


def setup_objects(case: Any, objects: Any) -> None:
    """Create the proposals, comments and the meeting the entries above visit."""
    later = timezone.now() + timedelta(days=30)
    objects.pp_meeting = MeetingFactory.create(
        title="Matriz propuestas: reunión de miembros",
        starts_at=later,
        ends_at=later + timedelta(hours=2),
        visibility=Visibility.MEMBERS,
    )
    objects.pp_public = ProposalFactory.create(
        title="Matriz propuesta pública", proposer=case.mem_a, organizations=[case.org_a]
    )
    objects.pp_members = ProposalFactory.create(
        title="Matriz propuesta interna",
        proposer=case.mem_a,
        organizations=[case.org_a],
        visibility=Visibility.MEMBERS,
    )
    objects.pp_comment = ProposalCommentFactory.create(
        proposal=objects.pp_public, author=case.mem_b
    )
    objects.pp_members_comment = ProposalCommentFactory.create(
        proposal=objects.pp_members, author=case.mem_b
    )
    objects.pp_hidden_comment = ProposalCommentFactory.create(
        proposal=objects.pp_public,
        author=case.reg,
        hidden_at=timezone.now(),
        hidden_by=case.coord,
        hidden_reason="Fuera de tema.",
    )
