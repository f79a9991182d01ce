"""The site's main menu: its items for the visitor's role, and which one is current."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from minka.core.roles import Role

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    # "page" when the visitor is on this very page, "true" inside its section, "" elsewhere:
    # the value of the link's ``aria-current``.
    current: str = ""


# (route name, label, least role that sees it, None = visitors only).
_ITEMS: tuple[tuple[str, Promise, Role | None], ...] = (
    ("directory:organization-list", _("Directory"), Role.ANONYMOUS),
    ("meetings:meeting-list", _("Meetings"), Role.ANONYMOUS),
    ("agreements:dashboard", _("Agreements"), Role.ANONYMOUS),
    ("documents:document-list", _("Repository"), Role.ANONYMOUS),
    ("participation:index", _("Take part"), Role.ANONYMOUS),
    ("search:search", _("Search"), Role.ANONYMOUS),
    ("directory:invitation-list", _("Invitations"), Role.COORDINATOR),
    ("directory:datarequest-list", _("Data requests"), Role.COORDINATOR),
    ("participation:application-list", _("Membership applications"), Role.COORDINATOR),
    ("notifications:outbox", _("Queue of messages"), Role.COORDINATOR),
    ("core:audit-list", _("Audit log"), Role.ADMIN),
    ("directory:mydata", _("My data"), Role.REGISTERED),
    ("accounts:preferences", _("My account"), Role.REGISTERED),
    ("account_login", _("Sign in"), None),
    ("account_signup", _("Create account"), None),
)


def nav_items(role: Role, path: str) -> list[NavItem]:
    """The menu for ``role``, the item whose address is the longest prefix of ``path`` marked
    current (so "Solicitudes de datos" under /directorio/solicitudes/ wins over "Directorio")."""
    links: list[tuple[str, str | Promise]] = []
    for name, label, least in _ITEMS:
        visible = role == Role.ANONYMOUS if least is None else role >= least
        if not visible:
            continue
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:  # an app switched off
            continue
    matches = [url for url, _label in links if url != "/" and path.startswith(url)]
    best = max(matches, key=len, default="")
    return [
        NavItem(label, url, ("page" if path == url else "true") if url == best else "")
        for url, label in links
    ]
