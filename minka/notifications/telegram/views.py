"""Telegram's pages: the webhook the Bot API posts updates to, and the coordinators' pages
for the network's group chats and channels (list, add, edit, remove)."""

from __future__ import annotations

import hmac
import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core.decorators import permission_required
from minka.notifications import permissions
from minka.notifications.channels.telegram import telegram_enabled
from minka.notifications.kinds import kinds
from minka.notifications.models import TelegramChat
from minka.notifications.telegram import bot, services
from minka.notifications.telegram.forms import TelegramChatForm

if TYPE_CHECKING:
    from django.http import HttpRequest

    from minka.core.http import AuthenticatedHttpRequest

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  (a header name, not a secret)


@csrf_exempt  # Telegram posts without a session: the secret token header authorizes instead.
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Webhook mode (``minka telegram_bot --set-webhook URL``): one update per request. A
    request without the configured secret is refused (403) before anything is read."""
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponseForbidden()
    try:
        data = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest()
    update = bot.update_from_json(data)
    if update is None:
        return HttpResponseBadRequest()
    bot.handle_update(update)
    return HttpResponse()


@require_GET
@permission_required(permissions.can_manage_telegram_chats)
def telegramchat_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    labels = {kind.code: kind.label for kind in kinds()}
    chats = [
        (chat, [labels.get(code, code) for code in chat.kinds])
        for chat in TelegramChat.objects.order_by("title", "pk")
    ]
    context = {
        "chats": chats,
        "enabled": telegram_enabled(),
        "bot_username": settings.TELEGRAM_BOT_USERNAME,
    }
    return render(request, "notifications/telegramchat_list.html", context)


def _report(form: TelegramChatForm, error: ValidationError) -> None:
    """A service's refusal, shown on the field it is about."""
    field = {"title": "title"}.get(str(error.code), "chat")
    form.add_error(field if field in form.fields else None, error)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_telegram_chats)
def telegramchat_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TelegramChatForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            chat = services.telegram_chat_create(
                actor=request.user, chat=form.cleaned_data["chat"], data=form.data_for_service()
            )
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("“%(title)s” was added.") % {"title": chat.title})
            return redirect("notifications:telegramchat-list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "enabled": telegram_enabled()}
    return render(request, "notifications/telegramchat_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_telegram_chats)
def telegramchat_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    chat = get_object_or_404(TelegramChat, pk=pk)
    form = TelegramChatForm(request.POST if request.method == "POST" else None, telegram_chat=chat)
    if request.method == "POST" and form.is_valid():
        try:
            services.telegram_chat_update(
                actor=request.user, telegram_chat=chat, data=form.data_for_service()
            )
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": chat.title})
            return redirect("notifications:telegramchat-list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "telegram_chat": chat, "enabled": telegram_enabled()}
    return render(request, "notifications/telegramchat_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_telegram_chats)
def telegramchat_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    chat = get_object_or_404(TelegramChat, pk=pk)
    if request.method == "POST":
        title = chat.title
        services.telegram_chat_delete(actor=request.user, telegram_chat=chat)
        messages.success(request, _("“%(title)s” was removed.") % {"title": title})
        return redirect("notifications:telegramchat-list")
    return render(
        request, "notifications/telegramchat_confirm_delete.html", {"telegram_chat": chat}
    )
