"""The applicant's emails (they have no account), rendered in the task worker (see
:mod:`minka.core.emails`): the verification link, the receipt, the approval and the
rejection, each with the private status link."""

from __future__ import annotations

from django.urls import reverse

from minka.core.emails import Email, email_builder, email_render
from minka.core.urls_util import absolute_url
from minka.participation.applications import services
from minka.participation.applications.models import MembershipApplication

PREFIX = "participation/emails/membershipapplication"


def _render(application: MembershipApplication, name: str, **context: object) -> Email:
    return email_render(
        template_prefix=f"{PREFIX}_{name}",
        to=application.email,
        context={
            "application": application,
            "status_url": absolute_url(application.status_url()),
            **context,
        },
    )


@email_builder(services.EMAIL_VERIFY)
def verify(*, application_id: int) -> Email | None:
    """The verification link, made now (nothing once the application is verified or gone)."""
    application = MembershipApplication.objects.filter(
        pk=application_id, status=MembershipApplication.Status.UNVERIFIED
    ).first()
    if application is None:
        return None
    token = services.application_verification_issue(application=application)
    return _render(
        application,
        "verify",
        verify_url=absolute_url(reverse("participation:application-verify", args=[token])),
        resend_url=absolute_url(reverse("participation:application-resend")),
        valid_hours=services.VERIFICATION_VALID_HOURS,
    )


def _in_status(application_id: int, status: str) -> MembershipApplication | None:
    return MembershipApplication.objects.filter(pk=application_id, status=status).first()


@email_builder(services.EMAIL_RECEIVED)
def received(*, application_id: int) -> Email | None:
    application = _in_status(application_id, MembershipApplication.Status.SUBMITTED)
    return _render(application, "received") if application else None


@email_builder(services.EMAIL_APPROVED)
def approved(*, application_id: int) -> Email | None:
    application = _in_status(application_id, MembershipApplication.Status.APPROVED)
    return _render(application, "approved") if application else None


@email_builder(services.EMAIL_REJECTED)
def rejected(*, application_id: int) -> Email | None:
    application = _in_status(application_id, MembershipApplication.Status.REJECTED)
    return _render(application, "rejected") if application else None
