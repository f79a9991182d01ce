"""A person's erasure (Ley 29733 cancellation) deletes the comments their account wrote on
consultations (with the reports on them) and the reports it made.

Comments are free text that may describe the person; a consultation's record keeps the
coordinators' response and the counts of what remains. ``erase_comments`` takes the
directory's erasure-callback signature ``(person, user)``: register it with
``minka.directory.hooks.register_person_erasure`` where that hook exists (it arrived in main
after this area's base; see the area's report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from minka.participation.consultations.models import CommentReport, ConsultationComment

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person


@transaction.atomic
def erase_comments(person: Person, user: User | None) -> int:
    """Delete what ``user`` wrote here (idempotent); return how many rows went.

    Preconditions: called by the directory's erasure, which checks who may erase."""
    if user is None:
        return 0
    reports, _ = CommentReport.objects.filter(reporter=user).delete()
    comments, _ = ConsultationComment.objects.filter(author=user).delete()
    return reports + comments
