"""Access-matrix entries of the coordinators' webhook pages (``/notificaciones/webhooks/``).

Coordinators and admins only: visitors are sent to sign in (302), the other roles get 403
before any lookup; an unknown webhook answers 404 to those who may manage webhooks. An empty
POST to the create and edit forms is refused (400: no address, no events); rotating answers
200 with the new secret (shown once); enabling, testing and deleting redirect (302).

Objects: one active webhook (to ``https://hooks.example.org/minka``, never called: the
matrix queues a test event but delivers nothing).
"""

from __future__ import annotations

from typing import Any

from minka.core.tests.access_matrix import Access, form_view, row
from minka.notifications.models import WebhookEndpoint
from minka.notifications.webhooks import signing

PAGE = row(302, 403, 403, 403, 200, 200)
REFUSED = row(302, 403, 403, 403, 400, 400)
DONE = row(302, 403, 403, 403, 302, 302)
UNKNOWN = row(302, 403, 403, 403, 404, 404)

MATRIX: dict[str, Access] = {
    "notifications:webhook-list": Access({"GET": PAGE}),
    "notifications:webhook-create": Access(form_view(PAGE, REFUSED)),
    "notifications:webhook-edit": Access(form_view(PAGE, REFUSED), kwargs="wh_endpoint"),
    "notifications:webhook-edit[unknown]": Access(form_view(UNKNOWN, UNKNOWN), kwargs="wh_unknown"),
    "notifications:webhook-rotate": Access(form_view(PAGE, PAGE), kwargs="wh_endpoint"),
    "notifications:webhook-enable": Access({"POST": DONE}, kwargs="wh_endpoint"),
    "notifications:webhook-test": Access({"POST": DONE}, kwargs="wh_endpoint"),
    "notifications:webhook-delete": Access(form_view(PAGE, DONE), kwargs="wh_endpoint"),
    "notifications:webhook-delete[unknown]": Access(
        form_view(UNKNOWN, UNKNOWN), kwargs="wh_unknown"
    ),
    "notifications:webhook-deliveries": Access({"GET": PAGE}, kwargs="wh_endpoint"),
    "notifications:webhook-deliveries[unknown]": Access({"GET": UNKNOWN}, kwargs="wh_unknown"),
}

KWARGS = {
    "wh_endpoint": lambda o: {"pk": o.wh_endpoint.pk},
    "wh_unknown": lambda o: {"pk": 999_999},
}


def setup_objects(case: Any, objects: Any) -> None:
    objects.wh_endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.org/minka",
        description="Matrix",
        kinds=["meetings.scheduled"],
        secret=signing.secret_generate(),
    )
