"""Views of the notifications app: the one-click unsubscribe of every email."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from minka.accounts.models import User
from minka.notifications import services
from minka.notifications.kinds import Frequency, kind_get

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


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
