"""Canaries of the "Notificaciones" page and the queue of messages.

- The title of a coordinators-only meeting series that ``reg`` and ``mem_b`` follow (they
  followed it before it was hidden, say): their page lists the follow without its title.
- The name of a person with a failed message, and that message's last error: the queue
  shows them to coordinators only; the person's own page never shows an error.

The shared crawl checks them for ``anon``, ``reg`` and ``mem_b``; ``check_shown`` finds
them where coordinators look. (That no address is shown even to coordinators is checked in
``test_views_outbox``.)
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.accounts.tests.factories import UserFactory
from minka.core.visibility import Visibility
from minka.meetings.tests.factories import SeriesFactory
from minka.notifications.models import Follow, Message
from minka.notifications.schedule import DIGEST_KIND

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
HIDDEN_SERIES = f"Serie canaria de coordinacion {_TAG}"
RECIPIENT = f"Destinataria Canaria {_TAG}"
LAST_ERROR = f"error-canario-{_TAG}"

CANARIES = [HIDDEN_SERIES, RECIPIENT, LAST_ERROR]


def plant(case: Any) -> None:
    series = SeriesFactory.create(
        title=HIDDEN_SERIES, slug=f"nt-canary-{_TAG}", visibility=Visibility.COORDINATORS
    )
    for user in (case.reg, case.mem_b, case.coord):
        Follow.objects.create(user=user, target_type="meetings.series", target_id=series.pk)
    recipient = UserFactory.create(full_name=RECIPIENT)
    for user, key in ((recipient, "recipient"), (case.reg, "reg"), (case.mem_b, "mem_b")):
        Message.objects.create(
            kind=DIGEST_KIND,
            channel="email",
            user=user,
            language="es",
            key=f"nt-canary-{_TAG}-{key}",
            status=Message.Status.DEAD,
            last_error=LAST_ERROR,
        )


def start_urls(case: Any) -> list[str]:
    return [reverse("notifications:preferences"), reverse("notifications:outbox")]


def check_shown(test: RoleTestCase) -> None:
    """Coordinators see the series they follow on their page, and the failed messages'
    recipient and error in the queue."""
    coord = test.as_("coord")
    test.assertContains(coord.get(reverse("notifications:preferences")), HIDDEN_SERIES)
    queue = coord.get(reverse("notifications:outbox"))
    test.assertContains(queue, RECIPIENT)
    test.assertContains(queue, LAST_ERROR)
