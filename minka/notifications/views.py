"""Views of the notifications app: the one-click unsubscribe of every email; a person's
"Notificaciones" page (preferences, follows, the Telegram link, the last messages) and its
actions; the coordinators' queue of messages.

Writes go through the services (:mod:`minka.notifications.services`,
:mod:`minka.notifications.telegram.linking`); refused input answers 400 with a plain
message and changes nothing; a target the person may not see answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.accounts.models import User
from minka.core.decorators import permission_required
from minka.notifications import permissions, selectors, services
from minka.notifications.consent import consent_granted, consent_record
from minka.notifications.follows import follow_target_find
from minka.notifications.forms import FollowForm, OutboxFilterForm, PreferencesForm
from minka.notifications.kinds import PERSONAL_CHANNELS, Frequency, kind_get, kinds
from minka.notifications.models import Message
from minka.notifications.telegram import linking

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpRequest, HttpResponse

    from minka.core.http import AuthenticatedHttpRequest

OUTBOX_PAGE_SIZE = 50


@csrf_exempt  # RFC 8058: mail programs POST without a session; the signed token authorizes.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners fetch links and must change nothing); POST, from
    that page or from a mail program's one-click button, turns the kind off by email."""
    try:
        data = signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
        user = User.objects.get(public_id=data["u"], is_active=True)
        kind = kind_get(data["k"])
        channel = str(data["c"])
    except (signing.BadSignature, User.DoesNotExist, LookupError, KeyError, TypeError):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    done = request.method == "POST"
    if done:
        services.preference_set(
            user=user, kind=kind.code, channel=channel, frequency=Frequency.NEVER
        )
    return render(
        request, "notifications/unsubscribe.html", {"kind": kind, "done": done, "token": token}
    )


# --- A person's "Notificaciones" page ----------------------------------------------------


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    """Input that cannot be used: say why, with status 400; nothing changed."""
    return render(request, "notifications/refused.html", {"message": message}, status=400)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required(permissions.can_manage_own_notifications)
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Channels, how often each kind of event arrives on each, what the person follows, and
    the last messages sent to them. POST saves the changed cells, all or none."""
    user = request.user
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        kinds=[kind for kind in kinds() if kind.configurable],
        chosen=selectors.preference_map(user),
        consent={channel: consent_granted(user, channel) for channel in PERSONAL_CHANNELS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _preferences_save(user, form)
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notifications:preferences")
    context = {
        "form": form,
        "telegram": selectors.telegram_account_get(user),
        "telegram_configured": bool(linking.bot_username()),
        "follows": selectors.follow_list(user),
        "sent": selectors.message_list_for(user),
        "can_manage_outbox": permissions.can_manage_outbox(user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", context, status=status)


@transaction.atomic
def _preferences_save(user: User, form: PreferencesForm) -> None:
    """The changed consents (the directory records them) and cells, all or none."""
    for channel, granted in form.consent_changes():
        consent_record(actor=user, user=user, channel=channel, granted=granted)
    for kind, channel, frequency in form.changes():
        services.preference_set(user=user, kind=kind, channel=channel, frequency=frequency)


def _safe_next(request: HttpRequest, url: str) -> bool:
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_POST
@permission_required(permissions.can_manage_own_notifications)
def follow(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Follow or stop following a target (``action``; without it, the opposite of now).
    Following needs a target the person may see (404 otherwise); a follow of a target gone
    or hidden since may still be removed. ``next`` must point inside the site."""
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _refused(request, _("This button is incomplete or was changed. Nothing changed."))
    data = form.cleaned_data
    if data["next"] and not _safe_next(request, data["next"]):
        return _refused(request, _("This button leads outside the site. Nothing changed."))
    user, target_type, target_id = request.user, data["type"], data["id"]
    found = follow_target_find(target_type, target_id, user)
    following = selectors.follow_exists(user, target_type, target_id)
    want = {"follow": True, "unfollow": False}.get(data["action"], not following)
    if found is None and (want or not following):
        raise Http404
    services.follow_set(user=user, target_type=target_type, target_id=target_id, following=want)
    title = found[0] if found else _("this item")
    if want:
        note = _("You follow “%(title)s”: its news reach you as your preferences say.")
    else:
        note = _("You no longer follow “%(title)s”.")
    messages.success(request, note % {"title": title})
    return redirect(data["next"] or "notifications:preferences")


@require_POST
@never_cache
@permission_required(permissions.can_manage_own_notifications)
def telegram_link(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A one-time link that opens the bot and links the person's chat (shown once, valid
    for a few minutes); without a configured bot, a page that says so."""
    configured = bool(linking.bot_username())
    link = linking.link_start(request.user) if configured else ""
    context = {
        "configured": configured,
        "link": link,
        "minutes": int(linking.TOKEN_LIFETIME.total_seconds() // 60),
    }
    return render(request, "notifications/telegram_link.html", context)


@require_POST
@permission_required(permissions.can_manage_own_notifications)
def telegram_unlink(request: AuthenticatedHttpRequest) -> HttpResponse:
    if linking.unlink(request.user):
        messages.success(request, _("Your account is no longer linked to Telegram."))
    else:
        messages.info(request, _("Your account was not linked to Telegram."))
    return redirect("notifications:preferences")


# --- The coordinators' queue ------------------------------------------------------------


@dataclass
class OutboxRow:
    message: Message
    kind: str
    recipient: str


@require_GET
@permission_required(permissions.can_manage_outbox)
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Counts by status and channel, and the messages of one status (by default those that
    failed or were given up), newest first, with a retry button each."""
    form = OutboxFilterForm(request.GET)
    messages_ = selectors.outbox_list(form.statuses())
    page = Paginator(messages_, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        OutboxRow(m, selectors.kind_label(m.kind), selectors.recipient_name(m))
        for m in page.object_list
    ]
    channels, counts = selectors.outbox_counts()
    context = {"form": form, "page": page, "rows": rows, "channels": channels, "counts": counts}
    return render(request, "notifications/outbox.html", context)


@require_POST
@permission_required(permissions.can_manage_outbox)
def message_retry(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Send a failed or given-up message again now; any other message is left as it is."""
    message = get_object_or_404(Message, public_id=public_id)
    if message.status in OutboxFilterForm.PROBLEMS:
        services.message_retry(actor=request.user, message=message)
        messages.success(request, _("The message goes out again in a moment."))
    else:
        messages.warning(request, _("This message has not failed: nothing to retry."))
    back = request.POST.get("next", "")
    return redirect(back if back and _safe_next(request, back) else "notifications:outbox")
