"""The directory as the notifications' consent provider: a person's consent to email and
Telegram notifications are purposes of their directory record (:class:`ConsentPurpose`),
granted and withdrawn with a consent event like every other purpose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.directory.models import ConsentPurpose, Person
from minka.notifications.consent import consent_provider_register
from minka.notifications.kinds import Channel

if TYPE_CHECKING:
    from collections.abc import Collection

    from minka.accounts.models import User

_FIELDS: dict[str, ConsentPurpose] = {
    Channel.EMAIL: ConsentPurpose.EMAIL_NOTIFICATIONS,
    Channel.TELEGRAM: ConsentPurpose.TELEGRAM_NOTIFICATIONS,
}


class DirectoryConsent:
    def allowed(self, user_ids: Collection[int], channel: str) -> set[int]:
        purpose = _FIELDS.get(channel)
        if purpose is None:
            return set()
        return set(
            Person.objects.filter(user_id__in=list(user_ids), **{purpose.value: True})
            .exclude(user__isnull=True)
            .values_list("user_id", flat=True)
        )

    def granted(self, user: User, channel: str) -> bool:
        return user.pk in self.allowed([user.pk], channel)

    def record(self, *, actor: User, user: User, channel: str, granted: bool) -> None:
        from minka.directory import services

        person = services.person_for_user(user=user)
        services.person_set_consents(
            actor=actor, person=person, choices={_FIELDS[channel]: granted}
        )


consent_provider_register(DirectoryConsent())
