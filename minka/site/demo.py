"""Demo data for ``minka load_demo``: accounts for every role, and a directory of
organizations and people with mixed consent choices.

Later features add their own demo content here. Everything is flagged ``is_demo`` (and
named "(demo)") so it can be told apart from real data (and removed). Running it again
creates nothing: each object is looked up by a stable key first. People and consent go
through the directory's services, so the demo holds the same consent records (events,
notice version, paper evidence) as real use.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile

from minka import search
from minka.accounts.models import User
from minka.agreements import demo as agreements_demo
from minka.directory import services as directory_services
from minka.directory.models import (
    ConsentEvent,
    ConsentPurpose,
    Membership,
    Organization,
    Person,
    Region,
    Sector,
    Topic,
)
from minka.documents import demo as documents_demo
from minka.meetings import demo as meetings_demo
from minka.participation.applications import demo as applications_demo
from minka.participation.consultations import demo as consultations_demo
from minka.participation.polls import demo as polls_demo
from minka.participation.proposals import demo as proposals_demo

if TYPE_CHECKING:
    from collections.abc import Sequence

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

TOPICS = [
    ("ciberseguridad", "Ciberseguridad"),
    ("conectividad", "Conectividad"),
    ("gobierno-digital", "Gobierno digital"),
    ("datos-abiertos", "Datos abiertos"),
    ("cultura-digital", "Cultura digital"),
    ("gobernanza-de-internet", "Gobernanza de internet"),
    ("inclusion-digital", "Inclusión digital"),
]

_MEMBER = Organization.MembershipStatus.MEMBER
# name, acronym, sector, region, membership status, topic slugs, description
ORGANIZATIONS: list[tuple[str, str, str, str, str, list[str], str]] = [
    (
        "Asociación Red Digital Andina (demo)",
        "RDA",
        Sector.CIVIL_SOCIETY,
        Region.CUSCO,
        _MEMBER,
        ["conectividad", "inclusion-digital"],
        "Redes comunitarias de internet en comunidades altoandinas.",
    ),
    (
        "Colectivo Ciudadanía Conectada (demo)",
        "CCC",
        Sector.CIVIL_SOCIETY,
        Region.LIMA,
        _MEMBER,
        ["cultura-digital", "datos-abiertos"],
        "Alfabetización digital y participación ciudadana en línea.",
    ),
    (
        "Instituto de Gobernanza de Internet del Perú (demo)",
        "IGIP",
        Sector.TECHNICAL,
        Region.NATIONAL,
        _MEMBER,
        ["gobernanza-de-internet", "ciberseguridad"],
        "Espacio técnico sobre políticas de internet, nombres de dominio y seguridad.",
    ),
    (
        "Universidad Amazónica de Tecnología (demo)",
        "UAT",
        Sector.ACADEMIA,
        Region.LORETO,
        _MEMBER,
        ["conectividad", "inclusion-digital"],
        "Investigación sobre conectividad en la Amazonía.",
    ),
    (
        "Cámara de Empresas Digitales del Sur (demo)",
        "CEDS",
        Sector.PRIVATE,
        Region.AREQUIPA,
        _MEMBER,
        ["ciberseguridad", "gobierno-digital"],
        "Empresas de servicios digitales del sur del país.",
    ),
    (
        "Oficina Regional de Gobierno Digital de Piura (demo)",
        "ORGD",
        Sector.GOVERNMENT,
        Region.PIURA,
        _MEMBER,
        ["gobierno-digital", "datos-abiertos"],
        "Servicios digitales y datos abiertos del gobierno regional.",
    ),
    (
        "Fundación Cooperación Digital Internacional (demo)",
        "FCDI",
        Sector.COOPERATION,
        Region.INTERNATIONAL,
        _MEMBER,
        ["inclusion-digital", "gobernanza-de-internet"],
        "Cooperación para la inclusión digital en América Latina.",
    ),
    (
        "Red de Radios Comunitarias del Altiplano (demo)",
        "RRCA",
        Sector.CIVIL_SOCIETY,
        Region.PUNO,
        _MEMBER,
        ["cultura-digital", "inclusion-digital"],
        "Radios comunitarias en quechua y aimara que también transmiten en línea.",
    ),
    (
        "Laboratorio Cívico de Datos de Huancayo (demo)",
        "LCDH",
        Sector.TECHNICAL,
        Region.JUNIN,
        Organization.MembershipStatus.APPLICANT,
        ["datos-abiertos"],
        "Voluntariado de datos abiertos; ha pedido unirse a la red.",
    ),
    (
        "Asociación de Telecentros Rurales (demo)",
        "ATR",
        Sector.OTHER,
        Region.AYACUCHO,
        Organization.MembershipStatus.FORMER,
        ["conectividad"],
        "Telecentros rurales; dejó la red en 2025.",
    ),
    (
        "Comisión Multisectorial para el Desarrollo de la Sociedad de la Información (demo)",
        "CODESI",
        Sector.GOVERNMENT,
        Region.NATIONAL,
        Organization.MembershipStatus.EXTERNAL,
        ["gobierno-digital", "gobernanza-de-internet"],
        "Comisión del Estado que sigue la Agenda Digital Peruana; la red participa en ella "
        "y le presenta propuestas. No es miembro de la red.",
    ),
]
# The bodies with a mandate: acronym, mandate, functions, member organizations (acronyms).
# Demo text, written for the demo from what the first meeting asked ("establecer las
# funciones y compromisos de la CODESI").
BODIES = [
    (
        "CODESI",
        "Comisión multisectorial que coordina el seguimiento del plan para el desarrollo de "
        "la sociedad de la información en el Perú (la Agenda Digital Peruana), con entidades "
        "del Estado, el sector privado, la academia y la sociedad civil.",
        [
            "Hacer el seguimiento y la evaluación del plan de desarrollo de la sociedad de la "
            "información (Agenda Digital Peruana).",
            "Proponer políticas y normas para el desarrollo de la sociedad de la información.",
            "Coordinar las acciones de las entidades públicas con el sector privado, la "
            "academia y la sociedad civil.",
            "Informar cada año sobre los avances de la Agenda Digital, con indicadores.",
            "Recibir y responder las propuestas de la sociedad civil organizada.",
        ],
        ["IGIP", "ORGD", "CEDS", "UAT"],
    ),
]

_P = ConsentPurpose
_PUBLIC = [_P.PUBLIC_LISTING, _P.MEMBERS_LISTING, _P.EMAIL_NOTIFICATIONS]
_MEMBERS_CONTACT = [_P.MEMBERS_LISTING, _P.EMAIL, _P.EMAIL_NOTIFICATIONS]
_PRIVATE = [_P.EMAIL_NOTIFICATIONS]
_SIGNUP_SHEET = "Ficha de inscripción firmada en el encuentro anual de la red, 2025 (demo)"
_ATTENDANCE = "Lista de asistencia de la reunión de la red del 14 de marzo de 2026, Cusco (demo)"
# name, email, phone, telegram, organization acronym, title, focal point, consents
PEOPLE: list[tuple[str, str, str, str, str, str, bool, Sequence[str]]] = [
    ("Rosa Quispe Mamani (demo)", "rosa.quispe@ejemplo.test", "+51 984 000 101", "rosaquispe",
     "RDA", "Coordinadora general", True, [*_PUBLIC, _P.EMAIL, _P.TELEGRAM]),
    ("Luis Huamán Torres (demo)", "luis.huaman@ejemplo.test", "+51 984 000 102", "",
     "RDA", "Técnico de redes", False, _MEMBERS_CONTACT),
    ("Carmen Vargas Ríos (demo)", "carmen.vargas@ejemplo.test", "+51 999 000 103", "carmenvr",
     "CCC", "Directora", True, [*_PUBLIC, _P.PHONE]),
    ("Jorge Salazar Peña (demo)", "jorge.salazar@ejemplo.test", "", "",
     "CCC", "Voluntario", False, _PRIVATE),
    ("Ana Lucía Ccori (demo)", "ana.ccori@ejemplo.test", "+51 999 000 105", "anaccori",
     "IGIP", "Presidenta", True, [*_PUBLIC, _P.EMAIL, _P.TELEGRAM_NOTIFICATIONS]),
    ("Miguel Ángel Tello (demo)", "miguel.tello@ejemplo.test", "", "",
     "IGIP", "Investigador", False, _MEMBERS_CONTACT),
    ("Patricia Shuña Pérez (demo)", "patricia.shuna@ejemplo.test", "+51 965 000 107", "",
     "UAT", "Docente investigadora", True, [*_PUBLIC, _P.EMAIL]),
    ("Raúl Ochoa Benites (demo)", "raul.ochoa@ejemplo.test", "+51 954 000 108", "raulochoa",
     "CEDS", "Gerente", True, _MEMBERS_CONTACT),
    ("Giovanna Chávez Lip (demo)", "giovanna.chavez@ejemplo.test", "", "",
     "ORGD", "Jefa de gobierno digital", True, _PUBLIC),
    ("Thomas Müller (demo)", "thomas.muller@ejemplo.test", "", "",
     "FCDI", "Oficial de programas", True, [_P.MEMBERS_LISTING]),
    ("Hilda Condori Apaza (demo)", "hilda.condori@ejemplo.test", "+51 951 000 111", "",
     "RRCA", "Comunicadora", True, [*_PUBLIC, _P.PHONE]),
    ("Esteban Paucar Lima (demo)", "esteban.paucar@ejemplo.test", "", "",
     "LCDH", "Fundador", False, _PRIVATE),
    ("Sonia Ayala Núñez (demo)", "sonia.ayala@ejemplo.test", "", "",
     "ATR", "Exrepresentante", False, [_P.MEMBERS_LISTING]),
]  # fmt: skip
# Added from an attendance list: pending, shown to nobody but coordinators.
PENDING_PEOPLE = [
    ("Julio Mendoza Cruz (demo)", "julio.mendoza@ejemplo.test", "RDA", "Asistente"),
    ("Flor Ticona Huanca (demo)", "", "RRCA", "Asistente"),
]
# The demo member's own choices, made on the web.
MEMBER_CONSENTS = [_P.MEMBERS_LISTING, _P.EMAIL, _P.EMAIL_NOTIFICATIONS]
DEMO_EVIDENCE = b"%PDF-1.4\n%demo\n"


def load(*, password: str) -> int:
    """Create what is missing and return how many objects were created."""
    created = 0
    accounts: dict[str, User] = {}
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
        accounts[email] = user
    topics = {}
    for slug, name in TOPICS:
        topic, new = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
        topics[slug] = topic
        created += new
    organizations = {}
    for name, acronym, sector, region, status, topic_slugs, description in ORGANIZATIONS:
        organization, new = Organization.objects.get_or_create(
            slug=acronym.lower() + "-demo",
            defaults={
                "name": name,
                "acronym": acronym,
                "sector": sector,
                "region": region,
                "membership_status": status,
                "description": description,
                "member_since": datetime.date(2023, 3, 1)
                if status in ("member", "former")
                else None,
                "member_until": datetime.date(2025, 6, 30) if status == "former" else None,
                "is_demo": True,
            },
        )
        if new:
            organization.topics.set([topics[slug] for slug in topic_slugs])
            search.index_object(organization)
        organizations[acronym] = organization
        created += new
    coordinator = accounts["coordinacion@minka.test"]
    for acronym, mandate, functions, members in BODIES:
        body = organizations[acronym]
        if not body.is_body:
            directory_services.organization_update(
                actor=coordinator,
                organization=body,
                data={
                    "is_body": True,
                    "mandate": mandate,
                    "functions": functions,
                    "body_members": [organizations[key] for key in members],
                },
            )
    member = accounts["miembro@minka.test"]
    _membership, new = Membership.objects.get_or_create(
        user=member, organization=organizations["RDA"], defaults={"title": "Representante"}
    )
    created += new
    created += _load_people(coordinator=accounts["coordinacion@minka.test"], orgs=organizations)
    created += _load_own_record(member, MEMBER_CONSENTS)
    created += documents_demo.load(
        coordinator=accounts["coordinacion@minka.test"], organizations=organizations, topics=topics
    )
    created += meetings_demo.load(coordinator=coordinator, organizations=organizations)
    created += agreements_demo.load(
        coordinator=coordinator, organizations=organizations, topics=topics
    )
    created += _load_participation(accounts, organizations, topics)
    return created


def _load_participation(
    accounts: dict[str, User], organizations: dict[str, Organization], topics: dict[str, Topic]
) -> int:
    """Proposals, consultations, a date poll and membership applications, after the
    meetings (they go to the next demo meeting) and the repository (consultations open its
    documents)."""
    coordinator = accounts["coordinacion@minka.test"]
    created = proposals_demo.load(
        coordinator=coordinator,
        proposer=accounts["miembro@minka.test"],
        supporters=[coordinator, accounts["admin@minka.test"], accounts["publico@minka.test"]],
        organizations=organizations,
    )
    created += consultations_demo.load(
        coordinator=coordinator,
        participants=[accounts["miembro@minka.test"], accounts["publico@minka.test"]],
        topics=topics,
    )
    created += polls_demo.load(coordinator=coordinator, organizations=organizations)
    created += applications_demo.load(coordinator=coordinator)
    return created


def _load_people(*, coordinator: User, orgs: dict[str, Organization]) -> int:
    """People added by the coordination team, each with the paper form they signed."""
    created = 0
    for name, email, phone, telegram, acronym, title, focal, consents in PEOPLE:
        if Person.objects.filter(full_name=name, is_demo=True).exists():
            continue
        person = _person_add(
            coordinator,
            {"full_name": name, "email": email, "phone": phone, "telegram": telegram},
            source=Person.Source.COORDINATOR,
            detail=_SIGNUP_SHEET,
        )
        directory_services.affiliation_create(
            actor=coordinator,
            person=person,
            organization=orgs[acronym],
            title=title,
            start_date=datetime.date(2024, 1, 15),
            is_focal_point=focal,
        )
        directory_services.person_set_consents(
            actor=coordinator,
            person=person,
            choices={purpose: purpose in consents for purpose in ConsentPurpose.values},
            channel=ConsentEvent.Channel.PAPER,
            # Ignored type error: a ContentFile stands in for an uploaded scan.
            evidence=ContentFile(DEMO_EVIDENCE, name="consentimiento-demo.pdf"),  # type: ignore[arg-type]
        )
        created += 1
    for name, email, acronym, title in PENDING_PEOPLE:
        if Person.objects.filter(full_name=name, is_demo=True).exists():
            continue
        person = _person_add(
            coordinator, {"full_name": name, "email": email}, Person.Source.ATTENDANCE, _ATTENDANCE
        )
        directory_services.affiliation_create(
            actor=coordinator, person=person, organization=orgs[acronym], title=title
        )
        created += 1
    return created


def _person_add(
    coordinator: User, data: directory_services.PersonData, source: str, detail: str
) -> Person:
    person = directory_services.person_create(
        actor=coordinator, data=data, source=source, source_detail=detail
    )
    Person.objects.filter(pk=person.pk).update(is_demo=True)
    return person


def _load_own_record(user: User, consents: Sequence[str]) -> int:
    """The demo member's own record, with the choices they made on "Mis datos"."""
    new = not Person.objects.filter(user=user).exists()
    person = directory_services.person_for_user(user=user)
    if new:
        Person.objects.filter(pk=person.pk).update(is_demo=True)
        directory_services.person_set_consents(
            actor=user,
            person=person,
            choices=dict.fromkeys(consents, True),
            channel=ConsentEvent.Channel.WEB,
        )
    return int(new)
