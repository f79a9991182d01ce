"""The repository's command of the Telegram bot: ``/documentos``, the latest documents the
chat may see (a visitor's view in a group)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minka.core.urls_util import absolute_url
from minka.documents.selectors import document_list
from minka.notifications.telegram.bot import bot_command_register, render_reply

if TYPE_CHECKING:
    from minka.notifications.telegram.bot import BotRequest

SHOWN = 5


def latest_documents(request: BotRequest) -> str:
    """``/documentos``: the repository list's selector, newest first."""
    documents = [
        {"document": document, "url": absolute_url(document.get_absolute_url())}
        for document in document_list(user=request.viewer, filters={})[:SHOWN]
    ]
    return render_reply(
        "notifications/telegram/documents.html",
        {"documents": documents, "list_url": absolute_url(reverse("documents:document-list"))},
    )


bot_command_register("documentos", latest_documents, help_text=_("the latest documents"))
