"""What the applications area tells coordinators: ``participation.application_submitted``,
raised when an applicant verifies their address (never before), to coordinators and admins.

The renderer looks again at delivery: an application decided or deleted in the meantime, or
a recipient who no longer reviews applications, gets nothing. Never announced to groups or
webhooks: an application holds personal data.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.urls_util import absolute_url
from minka.notifications.kinds import EventKind, Notice, RenderContext, kind_register
from minka.participation.applications import permissions
from minka.participation.applications.models import MembershipApplication
from minka.participation.applications.services import SUBMITTED_KIND


def render_submitted(params: dict[str, Any], context: RenderContext) -> Notice | None:
    viewer = context.user
    if context.public or viewer is None or not permissions.can_review_applications(viewer):
        return None
    pk = params.get("application")
    application = MembershipApplication.objects.filter(
        pk=pk if isinstance(pk, int) else 0, status=MembershipApplication.Status.SUBMITTED
    ).first()
    if application is None:
        return None
    subject = _("New membership application: %(name)s") % {"name": application.organization_name}
    url = absolute_url(application.get_absolute_url())
    ctx = {"application": application, "subject": subject, "url": url}
    return Notice(
        subject=subject,
        text=render_to_string(
            "participation/emails/membershipapplication_submitted_notice.txt", ctx
        ).strip(),
        html=render_to_string(
            "participation/emails/membershipapplication_submitted_notice.html", ctx
        ),
        url=url,
    )


kind_register(
    EventKind(
        code=SUBMITTED_KIND,
        label=gettext_lazy("An organization applies to join the network (coordinators)"),
        group=gettext_lazy("Participation"),
        render=render_submitted,
        # A review asked of the coordinators: sent whatever their consent to news.
        transactional=True,
    )
)
