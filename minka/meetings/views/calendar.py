"""Calendars: one meeting as ``.ics``, the public feed, the personal feed and its page.

- ``calendario.ics``: public meetings of public series; the same for everyone, so shared
  caches may keep it for five minutes. It never reads the session.
- ``<public_id>/reunion.ics``: one meeting, visibility-checked like its page (404 when
  hidden); the online link only for those who may see it, and then ``Cache-Control:
  private``.
- ``calendario/<token>.ics``: the personal feed. The token is accepted only in the path
  (calendar clients send no cookie), looked up by its SHA-256; unknown and revoked tokens
  answer 404. It lists what the feed's owner may see at the time of each request. Its only
  write is :func:`~minka.meetings.services.calendar.calendar_feed_touch` (``last_used_at``,
  at most once an hour). Rate-limited per client address and per token.
- ``calendario/``: the page that says how to subscribe (https and ``webcal://`` addresses,
  steps for phones). Everyone reads it and gets the public feed; a signed-in user also
  creates, replaces or revokes their own feed there (POST, signed in only): its URL is
  shown once, in the response to "create", and never again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.permissions import is_signed_in
from minka.core.urls_util import absolute_url
from minka.core.visibility import Visibility
from minka.meetings import ical, permissions, selectors
from minka.meetings.models import CalendarFeed
from minka.meetings.services import calendar as services

if TYPE_CHECKING:
    from uuid import UUID

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar clients poll every few minutes to hours; these leave room for several devices.
FEED_LIMIT_PER_TOKEN = (30, 600)
FEED_LIMIT_PER_CLIENT = (120, 600)


def _ics(content: bytes, *, filename: str = "") -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@cache_control(public=True, max_age=300)
def calendar_public(request: HtmxHttpRequest) -> HttpResponse:
    """Public meetings of public series: the last twelve months and all upcoming ones."""
    visitor = AnonymousUser()
    return _ics(ical.feed_ics(ical.feed_meetings(user=visitor), viewer=visitor))


@require_safe
def meeting_ics(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """One meeting as ``.ics`` (404 if the viewer may not see it)."""
    meeting = selectors.meeting_get(user=request.user, public_id=public_id)
    response = _ics(ical.meeting_ics(meeting, viewer=request.user), filename="reunion.ics")
    series = meeting.series
    shared = meeting.visibility == Visibility.PUBLIC and (
        series is None or series.visibility == Visibility.PUBLIC
    )
    if shared and not permissions.can_view_online_link(request.user, meeting):
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def calendar_personal(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The personal feed of the token's owner, as they may see the meetings now."""
    retry_after = ratelimit.hit(
        "calendar-feed",
        ratelimit.client_key(request),
        limit=FEED_LIMIT_PER_CLIENT[0],
        window=FEED_LIMIT_PER_CLIENT[1],
    )
    feed = None if retry_after else ical.calendar_feed_get(token=token)
    if feed is not None:
        retry_after = ratelimit.hit(
            "calendar-feed-token",
            feed.token_hash[:24],
            limit=FEED_LIMIT_PER_TOKEN[0],
            window=FEED_LIMIT_PER_TOKEN[1],
        )
    if retry_after:
        return ratelimit.too_many_requests(request, retry_after)
    if feed is None:
        raise Http404
    services.calendar_feed_touch(feed=feed)
    response = _ics(ical.feed_ics(ical.feed_meetings(user=feed.user), viewer=feed.user))
    patch_cache_control(response, private=True, no_store=True)
    return response


class FeedActionForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[("create", gettext_lazy("Create")), ("revoke", gettext_lazy("Revoke"))],
        error_messages={"required": gettext_lazy("Choose whether to create or revoke the feed.")},
    )


def webcal(url: str) -> str:
    """The ``webcal://`` form of an http(s) address: phones and desktop calendars open it
    as a subscription rather than a download."""
    return "webcal://" + url.split("://", 1)[-1]


def _feed_page(request: HtmxHttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    public_url = absolute_url(reverse("meetings:calendar-public"))
    feed_url = extra.get("feed_url")
    user = request.user
    context = {
        "feed": CalendarFeed.objects.filter(user=user).first() if user.is_authenticated else None,
        "public_url": public_url,
        "public_webcal": webcal(public_url),
        "feed_webcal": webcal(feed_url) if feed_url else "",
        **extra,
    }
    response = render(request, "meetings/calendar_feed.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def calendar_feed(request: HtmxHttpRequest) -> HttpResponse:
    """How to subscribe: the public feed for everyone; a signed-in user's own personal feed
    (what it is, create or replace it, revoke it)."""
    if request.method == "GET":
        return _feed_page(request)
    return _feed_action(cast("AuthenticatedHttpRequest", request))  # its decorator checks


@permission_required(is_signed_in)
def _feed_action(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FeedActionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "create":
                _feed, token = services.calendar_feed_create(actor=request.user)
                url = reverse("meetings:calendar-personal", kwargs={"token": token})
                return _feed_page(request, feed_url=absolute_url(url))
            services.calendar_feed_revoke(actor=request.user)
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("Your personal calendar feed was revoked."))
            return redirect("meetings:calendar-feed")
    return _feed_page(request, status=400, form=form)
