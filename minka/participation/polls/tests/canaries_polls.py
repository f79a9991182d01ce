"""Canaries of the date polls.

``CANARIES`` (the shared crawl, as anon, reg and mem_b) is empty: every poll a coordinator can
open is public or for members, and members may see both.

``MEMBERS_CANARIES`` (crawled as anon and reg in ``test_polls_canaries``) are: a members-only
poll's title, description and place, and its respondent's name; on a PUBLIC poll, the online
meeting link (members only, whatever the visibility) and the names of its respondents, a
member and a registered user (the results show counts to the public, names to members).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.visibility import Visibility
from minka.participation.polls.models import Answer, DateAnswer
from minka.participation.polls.tests.factories import DatePollFactory

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]

CANARIES: list[str] = []

MEMBERS_TITLE = f"encuestamiembros{_TAG}"
MEMBERS_DESCRIPTION = f"detalleencuesta{_TAG}"
MEMBERS_PLACE = f"lugarencuesta{_TAG}"
MEMBERS_RESPONDENT = f"Respondiente Miembro {_TAG}"
PUBLIC_LINK = f"https://reunion.example.org/sala-{_TAG}"
PUBLIC_MEMBER_RESPONDENT = f"Miembro Publico {_TAG}"
PUBLIC_REGISTERED_RESPONDENT = f"Registrada Publica {_TAG}"
MEMBERS_CANARIES = [
    MEMBERS_TITLE,
    MEMBERS_DESCRIPTION,
    MEMBERS_PLACE,
    MEMBERS_RESPONDENT,
    PUBLIC_LINK,
    PUBLIC_MEMBER_RESPONDENT,
    PUBLIC_REGISTERED_RESPONDENT,
]


def _answer(poll: Any, user: User, answer: str = Answer.YES) -> None:
    for option in poll.options.all():
        DateAnswer.objects.create(option=option, user=user, answer=answer)


def plant(case: Any) -> None:
    """Plant the canaries as attributes ``dpc_*`` of ``case``."""
    member = UserFactory.create(
        email=f"dpc-member-{_TAG}@example.org", full_name=MEMBERS_RESPONDENT, role=User.Role.MEMBER
    )
    public_member = UserFactory.create(
        email=f"dpc-public-{_TAG}@example.org",
        full_name=PUBLIC_MEMBER_RESPONDENT,
        role=User.Role.MEMBER,
    )
    registered = UserFactory.create(
        email=f"dpc-reg-{_TAG}@example.org", full_name=PUBLIC_REGISTERED_RESPONDENT
    )
    case.dpc_members = DatePollFactory.create(
        title=MEMBERS_TITLE,
        description=f"Texto {MEMBERS_DESCRIPTION}",
        place=MEMBERS_PLACE,
        visibility=Visibility.MEMBERS,
    )
    _answer(case.dpc_members, member)
    case.dpc_public = DatePollFactory.create(
        title=f"Encuesta publica {_TAG}",
        online_url=PUBLIC_LINK,
        visibility=Visibility.PUBLIC,
    )
    _answer(case.dpc_public, public_member)
    _answer(case.dpc_public, registered, Answer.MAYBE)


def start_urls(case: Any) -> list[str]:
    """The list, both polls' pages (404 for whoever may not see one), and the landing."""
    return [
        reverse("participation:datepoll-list"),
        reverse("participation:index"),
        reverse("site:home"),
        case.dpc_members.get_absolute_url(),
        case.dpc_public.get_absolute_url(),
    ]


def check_shown(test: RoleTestCase) -> None:
    """A member of another organization (``mem_b``) sees every members' canary."""
    cases: Any = test
    member = test.as_("mem_b")
    page = member.get(cases.dpc_members.get_absolute_url())
    for canary in (MEMBERS_TITLE, MEMBERS_DESCRIPTION, MEMBERS_PLACE, MEMBERS_RESPONDENT):
        test.assertContains(page, canary)
    page = member.get(cases.dpc_public.get_absolute_url())
    for canary in (PUBLIC_LINK, PUBLIC_MEMBER_RESPONDENT, PUBLIC_REGISTERED_RESPONDENT):
        test.assertContains(page, canary)
    test.assertContains(member.get(reverse("participation:datepoll-list")), MEMBERS_TITLE)
