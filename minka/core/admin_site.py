"""The admin site: coordinators and admins only, through the normal sign-in with two factors.

Kept apart from ``admin.py`` because Django imports the default site lazily: a module that
both defines the site and registers models on ``admin.site`` would register them on a
half-built instance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from django.http import HttpRequest


class MinkaAdminSite(admin.AdminSite):
    site_header = _("Minka administration")
    site_title = _("Minka")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) >= Role.COORDINATOR

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        # Passwords change in one place, with re-authentication and the audit log.
        return redirect("account_change_password")

    def password_change_done(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        return redirect("account_change_password")

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # One sign-in for the whole site: allauth's, with its rate limits and two factors.
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), reverse("account_login")
        )
