"""The coordinators' form for a group chat or channel of the network."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.notifications.kinds import announced_kinds
from minka.notifications.telegram.services import TelegramChatData

if TYPE_CHECKING:
    from minka.notifications.models import TelegramChat


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind.code, str(kind.label)) for kind in announced_kinds()]


class TelegramChatForm(forms.Form):
    """A new chat (with ``chat``, its number or @name) or an existing one (without)."""

    chat = forms.CharField(
        label=_("Chat number or channel name"),
        max_length=40,
        help_text=_(
            "A group's number, such as -1001234567890, or a public channel's @name. Add the bot "
            "to the group (to a channel, as an administrator) first."
        ),
    )
    title = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        help_text=_("Leave it empty to use the name the chat has in Telegram."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Events announced in this chat"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=_kind_choices,
    )
    active = forms.BooleanField(
        label=_("Announce the chosen events in this chat"), required=False, initial=True
    )

    def __init__(self, *args: Any, telegram_chat: TelegramChat | None = None, **kwargs: Any):
        if telegram_chat is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": telegram_chat.title,
                    "kinds": list(telegram_chat.kinds),
                    "active": telegram_chat.active,
                },
            )
        super().__init__(*args, **kwargs)
        if telegram_chat is not None:
            del self.fields["chat"]
            self.fields["title"].required = True
            self.fields["title"].help_text = ""

    def data_for_service(self) -> TelegramChatData:
        return TelegramChatData(
            title=self.cleaned_data["title"],
            kinds=list(self.cleaned_data["kinds"]),
            active=self.cleaned_data["active"],
        )
