"""The participation landing page: every mechanism, with what the viewer may take part in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.views.decorators.http import require_GET

from minka.participation.consultations import selectors as consultations
from minka.participation.polls import selectors as polls
from minka.participation.proposals import permissions as proposal_permissions
from minka.participation.proposals import selectors as proposals

if TYPE_CHECKING:
    from django.http import HttpResponse

    from minka.core.http import HtmxHttpRequest


@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """/participa/: the proposals awaiting support, the open consultations, the open date
    polls the viewer may answer, and how an organization asks to join; each with a link to
    all of them."""
    user = request.user
    context = {
        "proposals": proposals.proposals_awaiting_support(user, limit=5),
        "can_propose": proposal_permissions.can_create_proposal(user),
        "consultations": consultations.consultations_open(user, limit=5),
        "polls": polls.polls_open_for(user, limit=5),
    }
    return render(request, "participation/index.html", context)
