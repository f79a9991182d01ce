"""The site's own pages: the home page, which gathers what every app shows first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from minka.agreements import charts
from minka.agreements import selectors as agreements
from minka.meetings import selectors as meetings
from minka.participation.applications import selectors as applications
from minka.participation.consultations import selectors as consultations
from minka.participation.polls import selectors as polls
from minka.participation.proposals import selectors as proposals

if TYPE_CHECKING:
    from django.http import HttpResponse

    from minka.core.http import HtmxHttpRequest


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The home page, with what the viewer may see of: the next meeting, the commitments due
    in the next 30 days and the overdue ones, the goals' progress, and the latest published
    minutes; the open consultations, the proposals awaiting support and the date polls the
    viewer may answer; for those who are not members, how an organization asks to join; for
    coordinators, how many membership applications await a decision."""
    commitments = agreements.home_summary(request.user)
    context = {
        "next_meeting": meetings.meeting_next_for(request.user),
        "latest_minutes": meetings.minutes_latest_published(request.user),
        "commitments": commitments,
        "consultations": consultations.consultations_open(request.user, limit=3),
        "proposals": proposals.proposals_awaiting_support(request.user, limit=3),
        "polls": polls.polls_open_for(request.user, limit=3),
        "applications_awaiting": applications.applications_awaiting_count(user=request.user),
        "network_contact": settings.NETWORK_CONTACT,
        "network_contact_url": settings.NETWORK_CONTACT_URL,
        "goal_bars": [
            (progress, charts.progress_bar(progress.goal.title, progress.percent))
            for progress in commitments["goals"]
        ],
    }
    return render(request, "site/home.html", context)
