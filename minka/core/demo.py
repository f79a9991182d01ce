"""Demo data for ``minka load_demo``: accounts for every role and a few organizations.

Later features add their own demo content here. Everything is flagged ``is_demo`` so it
can be told apart from real data (and removed).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress

from minka.accounts.models import Membership, User
from minka.directory.models import Organization

DEMO_PASSWORD = "minka-demo-2026"  # noqa: S105  (printed and used only in debug mode)

ACCOUNTS = [
    ("admin@minka.test", User.Role.ADMIN),
    ("coordinacion@minka.test", User.Role.COORDINATOR),
    ("miembro@minka.test", User.Role.MEMBER),
    ("publico@minka.test", User.Role.REGISTERED),
]
_NAMES = {
    "admin@minka.test": "Administración Minka (demo)",
    "coordinacion@minka.test": "Secretaría técnica (demo)",
    "miembro@minka.test": "Representante de organización (demo)",
    "publico@minka.test": "Persona registrada (demo)",
}

ORGANIZATIONS = [
    ("Asociación Red Digital Andina (demo)", "RDA"),
    ("Colectivo Ciudadanía Conectada (demo)", "CCC"),
    ("Instituto de Gobernanza de Internet del Perú (demo)", "IGIP"),
    ("Universidad Amazónica de Tecnología (demo)", "UAT"),
]


def load(*, password: str) -> int:
    """Create what is missing and return how many objects were created."""
    created = 0
    organizations = []
    for name, acronym in ORGANIZATIONS:
        organization, new = Organization.objects.get_or_create(
            slug=acronym.lower() + "-demo",
            defaults={"name": name, "acronym": acronym, "is_demo": True},
        )
        organizations.append(organization)
        created += new
    for email, role in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, password, full_name=_NAMES[email], role=role, is_demo=True
            )
            created += 1
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == User.Role.MEMBER:
            _membership, new = Membership.objects.get_or_create(
                user=user, organization=organizations[0], defaults={"title": "Representante"}
            )
            created += new
    return created
