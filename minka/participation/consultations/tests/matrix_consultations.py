"""Access-matrix entries of the consultations: the list, a consultation's page, comments,
reports, and the coordinators' pages (create, edit, moderation, hide and show, resolve,
response, CSV export).

Objects: an open public consultation with one section and a comment by ``mem_a``, a hidden
comment by ``mem_b`` and a report on the first comment by ``reg``; an open members-only
consultation with a comment by ``mem_a``; a closed public one (its response may be
published) and an upcoming public one (comments refused).

Readings: a hidden (members-only) consultation answers 404 before anything else for
visitors and registered accounts. Commenting needs an account: a visitor is sent to sign in;
an empty comment is refused (400), a complete one is published (302), except before the
opening or after the close (400, with the message). Reporting is for signed-in accounts
other than the author (``mem_a`` gets 403 on its own comment) and not on a hidden comment
(403). Coordinators' pages: visitors are sent to sign in (302), other roles get 403 before
any lookup.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from minka.core.tests.access_matrix import Access, everyone, form_view, row, signed_in
from minka.core.visibility import Visibility
from minka.participation.consultations.tests.factories import (
    CommentFactory,
    ConsultationFactory,
    ReportFactory,
    SectionFactory,
)

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS = row(404, 404, 200, 200, 200, 200)
COORDINATOR_PAGE = row(302, 403, 403, 403, 200, 200)
COORDINATOR_REFUSED = row(302, 403, 403, 403, 400, 400)
COORDINATOR_DONE = row(302, 403, 403, 403, 302, 302)
COORDINATOR_UNKNOWN = row(302, 403, 403, 403, 404, 404)
COMMENT = {"body": "Un comentario de la matriz.", "section": ""}
REASON = {"reason": "Contiene insultos."}

MATRIX: dict[str, Access] = {
    # The Atom feed of the open public consultations (minka/urls.py's feeds).
    "feeds:consultations": Access({"GET": everyone(200)}),
    "participation:consultation-list": Access({"GET": everyone(200)}),
    "participation:consultation-create": Access(form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED)),
    "participation:consultation-detail": Access({"GET": everyone(200)}, kwargs="cs_public"),
    "participation:consultation-detail[members]": Access({"GET": MEMBERS}, kwargs="cs_members"),
    "participation:consultation-detail[closed]": Access({"GET": everyone(200)}, kwargs="cs_closed"),
    "participation:consultation-detail[unknown]": Access(
        {"GET": everyone(404)}, kwargs="cs_unknown"
    ),
    "participation:consultation-edit": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="cs_public"
    ),
    "participation:consultation-edit[members]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="cs_members"
    ),
    "participation:consultation-edit[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="cs_unknown"
    ),
    # --- Comments -----------------------------------------------------------------------
    "participation:consultation-comment-create": Access(
        {"POST": signed_in(302, 400)}, kwargs="cs_public"
    ),
    "participation:consultation-comment-create[valid]": Access(
        {"POST": signed_in(302, 302)}, kwargs="cs_public", data=COMMENT
    ),
    "participation:consultation-comment-create[members]": Access(
        {"POST": row(404, 404, 302, 302, 302, 302)}, kwargs="cs_members", data=COMMENT
    ),
    "participation:consultation-comment-create[closed]": Access(
        {"POST": signed_in(302, 400)}, kwargs="cs_closed", data=COMMENT
    ),
    "participation:consultation-comment-create[upcoming]": Access(
        {"POST": signed_in(302, 400)}, kwargs="cs_upcoming", data=COMMENT
    ),
    "participation:consultation-comment-create[unknown]": Access(
        {"POST": everyone(404)}, kwargs="cs_unknown", data=COMMENT
    ),
    # --- Reports ------------------------------------------------------------------------
    # mem_a wrote the comment (403); reg reported it already (400 on a valid report).
    "participation:consultation-comment-report": Access(
        form_view(row(302, 200, 403, 200, 200, 200), row(302, 400, 403, 400, 400, 400)),
        kwargs="cs_comment",
    ),
    "participation:consultation-comment-report[valid]": Access(
        form_view(row(302, 200, 403, 200, 200, 200), row(302, 400, 403, 302, 302, 302)),
        kwargs="cs_comment",
        data=REASON,
    ),
    "participation:consultation-comment-report[hidden]": Access(
        form_view(signed_in(302, 403), signed_in(302, 403)), kwargs="cs_hidden", data=REASON
    ),
    "participation:consultation-comment-report[members]": Access(
        form_view(row(404, 404, 403, 200, 200, 200), row(404, 404, 403, 302, 302, 302)),
        kwargs="cs_members_comment",
        data=REASON,
    ),
    "participation:consultation-comment-report[other consultation]": Access(
        form_view(everyone(404), everyone(404)), kwargs="cs_comment_elsewhere", data=REASON
    ),
    # --- Moderation ---------------------------------------------------------------------
    "participation:consultation-comment-hide": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="cs_comment"
    ),
    "participation:consultation-comment-hide[valid]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE), kwargs="cs_comment", data=REASON
    ),
    # Hidden already: refused with the message.
    "participation:consultation-comment-hide[hidden]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="cs_hidden", data=REASON
    ),
    "participation:consultation-comment-hide[other consultation]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN),
        kwargs="cs_comment_elsewhere",
        data=REASON,
    ),
    "participation:consultation-comment-unhide": Access(
        {"POST": COORDINATOR_DONE}, kwargs="cs_hidden"
    ),
    "participation:consultation-comment-unhide[shown]": Access(
        {"POST": COORDINATOR_REFUSED}, kwargs="cs_comment"
    ),
    "participation:consultation-moderation": Access({"GET": COORDINATOR_PAGE}, kwargs="cs_public"),
    "participation:consultation-moderation[unknown]": Access(
        {"GET": COORDINATOR_UNKNOWN}, kwargs="cs_unknown"
    ),
    "participation:consultation-report-resolve": Access(
        {"POST": COORDINATOR_DONE}, kwargs="cs_report"
    ),
    "participation:consultation-report-resolve[other consultation]": Access(
        {"POST": COORDINATOR_UNKNOWN}, kwargs="cs_report_elsewhere"
    ),
    # --- Response and export ------------------------------------------------------------
    "participation:consultation-response": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="cs_closed"
    ),
    "participation:consultation-response[valid]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE),
        kwargs="cs_closed",
        data={"response": "Gracias."},
    ),
    # Still open: refused with the message.
    "participation:consultation-response[open]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED),
        kwargs="cs_public",
        data={"response": "Gracias."},
    ),
    "participation:consultation-export": Access({"GET": COORDINATOR_PAGE}, kwargs="cs_public"),
    "participation:consultation-export[unknown]": Access(
        {"GET": COORDINATOR_UNKNOWN}, kwargs="cs_unknown"
    ),
}

UNKNOWN = "00000000-0000-4000-8000-00000c0515a7"


def _public_id(attribute: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, attribute).public_id}


def _child(attribute: str, parent: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, parent).public_id, "pk": getattr(o, attribute).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "cs_public": _public_id("cs_public"),
    "cs_members": _public_id("cs_members"),
    "cs_closed": _public_id("cs_closed"),
    "cs_upcoming": _public_id("cs_upcoming"),
    "cs_unknown": lambda o: {"public_id": UNKNOWN},
    "cs_comment": _child("cs_comment", "cs_public"),
    "cs_hidden": _child("cs_hidden", "cs_public"),
    "cs_members_comment": _child("cs_members_comment", "cs_members"),
    "cs_comment_elsewhere": _child("cs_comment", "cs_closed"),
    "cs_report": _child("cs_report", "cs_public"),
    "cs_report_elsewhere": _child("cs_report", "cs_closed"),
}


def setup_objects(case: Any, objects: Any) -> None:
    """Create the consultations, comments and report the entries above visit."""
    now = timezone.now()
    objects.cs_public = ConsultationFactory.create(title="Matriz consulta pública")
    SectionFactory.create(consultation=objects.cs_public, number=1, title="Alcance")
    objects.cs_members = ConsultationFactory.create(
        title="Matriz consulta de miembros", visibility=Visibility.MEMBERS
    )
    objects.cs_closed = ConsultationFactory.create(
        title="Matriz consulta cerrada",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=2),
    )
    objects.cs_upcoming = ConsultationFactory.create(
        title="Matriz consulta próxima",
        opens_at=now + timedelta(days=3),
        closes_at=now + timedelta(days=30),
    )
    objects.cs_comment = CommentFactory.create(consultation=objects.cs_public, author=case.mem_a)
    objects.cs_hidden = CommentFactory.create(
        consultation=objects.cs_public,
        author=case.mem_b,
        hidden_at=now,
        hidden_by=case.coord,
        hidden_reason="Fuera de tema",
    )
    objects.cs_members_comment = CommentFactory.create(
        consultation=objects.cs_members, author=case.mem_a
    )
    objects.cs_report = ReportFactory.create(comment=objects.cs_comment, reporter=case.reg)
