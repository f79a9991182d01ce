"""The pages the browser tests visit, each with the persona who sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from minka.accounts.models import User
from minka.accounts.tests.factories import MembershipFactory, UserFactory
from minka.browser_tests.conftest import sign_in_context
from minka.core.testing import add_totp

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext
    from pytest_django.live_server_helper import LiveServer


@dataclass(frozen=True)
class SitePage:
    name: str
    path: str
    # Role of the signed-in user; ``None`` visits anonymously.
    role: User.Role | None = None


SITE_PAGES = [
    SitePage("home", "/"),
    SitePage("login", "/cuenta/login/"),
    SitePage("signup", "/cuenta/signup/"),
    SitePage("privacy", "/privacidad/"),
    SitePage("accessibility", "/accesibilidad/"),
    SitePage("home (member)", "/", User.Role.MEMBER),
    SitePage("preferences", "/cuenta/preferencias/", User.Role.MEMBER),
    SitePage("invitations", "/invitaciones/", User.Role.COORDINATOR),
    SitePage("audit log", "/auditoria/", User.Role.ADMIN),
    SitePage("directory", "/directorio/"),
    SitePage("people (member)", "/directorio/personas/", User.Role.MEMBER),
    SitePage("my data", "/mis-datos/", User.Role.MEMBER),
    SitePage("data requests", "/directorio/solicitudes/", User.Role.COORDINATOR),
    SitePage("new organization", "/directorio/organizaciones/nueva/", User.Role.COORDINATOR),
    SitePage("new person", "/directorio/personas/nueva/", User.Role.COORDINATOR),
    SitePage("repository", "/repositorio/"),
    SitePage("upload", "/repositorio/subir/", User.Role.MEMBER),
    SitePage("search", "/buscar/?q=red+dorsal"),
]


def sign_in_as(context: BrowserContext, live_server: LiveServer, role: User.Role | None) -> None:
    """Sign ``context`` in as a new user with ``role`` (with TOTP when the role needs it)."""
    if role is None:
        return
    if role == User.Role.MEMBER:
        user = MembershipFactory.create(user__full_name="Miembro de Prueba").user
    else:
        user = UserFactory.create(full_name="Persona de Prueba", role=role)
        add_totp(user)
    sign_in_context(context, live_server, user)
