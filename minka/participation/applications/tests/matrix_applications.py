"""Access-matrix entries of membership applications (/unete/).

Objects: an unverified application with a fresh verification link, one whose link has
expired, a submitted (verified) one, an approved one, and the submitted one's status link.

Readings: the form, the "check your email" page, the resend form, the verification and
status links are for everyone (an empty POST is refused with 400; the token is the key, so
an unknown one is 404 for all). The queue, an application's page and the decisions are for
coordinators: visitors are sent to sign in (302), other roles get 403 before any lookup;
an unverified application is 404 even to coordinators. Approving a submitted application
redirects (302); approving a decided one is refused (400); rejecting needs a message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from minka.core.tests.access_matrix import Access, everyone, form_view, row
from minka.participation.applications import services
from minka.participation.applications.models import (
    MembershipApplication,
    application_status_token,
)
from minka.participation.applications.tests.factories import (
    MembershipApplicationFactory,
    verified,
)

if TYPE_CHECKING:
    from collections.abc import Callable

COORDINATOR_PAGE = row(302, 403, 403, 403, 200, 200)
COORDINATOR_REFUSED = row(302, 403, 403, 403, 400, 400)
COORDINATOR_DONE = row(302, 403, 403, 403, 302, 302)
COORDINATOR_HIDDEN = row(302, 403, 403, 403, 404, 404)

MATRIX: dict[str, Access] = {
    "participation:application-create": Access(form_view(everyone(200), everyone(400))),
    "participation:application-sent": Access({"GET": everyone(200)}),
    "participation:application-resend": Access(form_view(everyone(200), everyone(400))),
    "participation:application-resend[valid]": Access(
        form_view(everyone(200), everyone(302)), data={"email": "nadie@example.org"}
    ),
    "participation:application-verify": Access(
        form_view(everyone(200), everyone(302)), kwargs="app_verify_token"
    ),
    "participation:application-verify[expired]": Access(
        form_view(everyone(200), everyone(400)), kwargs="app_expired_token"
    ),
    "participation:application-verify[unknown]": Access(
        form_view(everyone(404), everyone(404)), kwargs="app_unknown_token"
    ),
    "participation:application-status": Access({"GET": everyone(200)}, kwargs="app_status_token"),
    "participation:application-status[unknown]": Access(
        {"GET": everyone(404)}, kwargs="app_unknown_token"
    ),
    "participation:application-list": Access({"GET": COORDINATOR_PAGE}),
    "participation:application-detail": Access({"GET": COORDINATOR_PAGE}, kwargs="app_submitted"),
    "participation:application-detail[unverified]": Access(
        {"GET": COORDINATOR_HIDDEN}, kwargs="app_unverified"
    ),
    "participation:application-approve": Access({"POST": COORDINATOR_DONE}, kwargs="app_submitted"),
    "participation:application-approve[approved]": Access(
        {"POST": COORDINATOR_REFUSED}, kwargs="app_approved"
    ),
    "participation:application-approve[unverified]": Access(
        {"POST": COORDINATOR_HIDDEN}, kwargs="app_unverified"
    ),
    "participation:application-reject": Access(
        {"POST": COORDINATOR_REFUSED}, kwargs="app_submitted"
    ),
    "participation:application-reject[valid]": Access(
        {"POST": COORDINATOR_DONE}, kwargs="app_submitted", data={"message": "No por ahora."}
    ),
}


def setup_objects(case: Any, objects: Any) -> None:
    objects.app_unverified = MembershipApplicationFactory.create()
    objects.app_verify_token = services.application_verification_issue(
        application=objects.app_unverified
    )
    expired = MembershipApplicationFactory.create()
    objects.app_expired_token = services.application_verification_issue(application=expired)
    MembershipApplication.objects.filter(pk=expired.pk).update(
        verification_sent_at=timezone.now() - timedelta(hours=49)
    )
    objects.app_submitted = verified()
    objects.app_approved = verified(
        status=MembershipApplication.Status.APPROVED, reviewed_at=timezone.now()
    )


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "app_verify_token": lambda o: {"token": o.app_verify_token},
    "app_expired_token": lambda o: {"token": o.app_expired_token},
    "app_unknown_token": lambda o: {"token": "no-such-token"},
    "app_status_token": lambda o: {"token": application_status_token(o.app_submitted.public_id)},
    "app_submitted": lambda o: {"public_id": o.app_submitted.public_id},
    "app_unverified": lambda o: {"public_id": o.app_unverified.public_id},
    "app_approved": lambda o: {"public_id": o.app_approved.public_id},
}
