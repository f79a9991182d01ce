"""Demo agenda proposals for ``minka load_demo``, after the meetings' demo (the lead calls
:func:`load` from ``minka/site/demo.py``).

Three proposals about the network's themes, made through the services by a member: one
public, accepted into the next demo meeting's agenda; one public and open, with supports, a
comment and a reply; one internal and open, with a support. Loading again adds what is
missing and changes nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from minka.core.visibility import Visibility
from minka.meetings.models import Meeting
from minka.participation.proposals import services
from minka.participation.proposals.models import Proposal, ProposalComment

if TYPE_CHECKING:
    from collections.abc import Sequence

    from minka.accounts.models import User
    from minka.directory.models import Organization

# title, description, visibility, organizations (acronyms), accepted into the next meeting
PROPOSALS: list[tuple[str, str, str, list[str], bool]] = [
    (
        "Gobernanza de internet: mesa con la comunidad técnica",
        "Invitar a la comunidad técnica (operadores, registros, academia) a una mesa "
        "sobre **gobernanza de internet** en el Perú, para preparar la posición de la red "
        "ante el próximo foro regional.",
        Visibility.PUBLIC,
        ["IGIP"],
        True,
    ),
    (
        "Conectividad rural: balance de los proyectos regionales",
        "Revisar qué proyectos regionales de banda ancha avanzaron este año y cuáles "
        "siguen detenidos, con datos de las organizaciones en cada región.",
        Visibility.PUBLIC,
        ["RDA"],
        False,
    ),
    (
        "Protocolo interno de seguridad digital para las organizaciones",
        "Acordar prácticas mínimas de seguridad digital (contraseñas, doble factor, "
        "respaldos) para las organizaciones de la red.",
        Visibility.MEMBERS,
        [],
        False,
    ),
]
COMMENT = "En nuestra región hay dos proyectos detenidos: podemos traer los datos."
REPLY = "Gracias: sería bueno tenerlos antes de la reunión."


def _next_meeting() -> Meeting | None:
    """The next planned, public demo meeting, if any; never the series' first meeting,
    whose agenda is the seed minutes' own."""
    return (
        Meeting.objects.filter(
            is_demo=True,
            status=Meeting.Status.PLANNED,
            visibility=Visibility.PUBLIC,
            ends_at__gte=timezone.now(),
        )
        .exclude(number=1)
        .order_by("starts_at", "pk")
        .first()
    )


def _thread(proposal: Proposal, proposer: User, supporters: Sequence[User]) -> int:
    if not supporters:
        return 0
    comment = services.comment_create(actor=supporters[0], proposal=proposal, body=COMMENT)
    reply = services.comment_create(actor=proposer, proposal=proposal, body=REPLY, parent=comment)
    ProposalComment.objects.filter(pk__in=[comment.pk, reply.pk]).update(is_demo=True)
    return 2


def load(
    *,
    coordinator: User,
    proposer: User,
    supporters: Sequence[User],
    organizations: dict[str, Organization],
) -> int:
    """Add the demo proposals that are missing; return how many objects were created.
    ``proposer`` is a member; ``supporters`` are other accounts (members first)."""
    created = 0
    others = [user for user in supporters if user.pk != proposer.pk]
    for title, description, visibility, acronyms, accept in PROPOSALS:
        if Proposal.objects.filter(title=title, is_demo=True).exists():
            continue
        chosen = [organizations[a] for a in acronyms if a in organizations]
        proposal = services.proposal_create(
            actor=proposer,
            data={
                "title": title,
                "description": description,
                "visibility": visibility,
                "organizations": chosen,
            },
        )
        Proposal.objects.filter(pk=proposal.pk).update(is_demo=True)
        created += 1
        backers = others[:1] if visibility == Visibility.MEMBERS else others[:2]
        for supporter in backers:
            created += services.support_add(actor=supporter, proposal=proposal)
        if accept:
            meeting = _next_meeting()
            if meeting is not None:
                services.proposal_accept(actor=coordinator, proposal=proposal, meeting=meeting)
                created += 1  # its agenda item
        elif visibility == Visibility.PUBLIC:
            created += _thread(proposal, proposer, others)
    return created
