"""What agenda proposals feed to the search index: title and description, with the
proposal's visibility; a withdrawn proposal leaves the index. The services keep it in step."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.participation.proposals.models import Proposal


def _visibility(proposal: Proposal) -> str | None:
    return None if proposal.status == Proposal.Status.WITHDRAWN else proposal.visibility


def register() -> None:
    search.register(
        Proposal,
        title=lambda proposal: proposal.title,
        body=lambda proposal: proposal.description,
        visibility=_visibility,
        facets=lambda proposal: {"year": [str(timezone.localtime(proposal.created_at).year)]},
        type_name=lambda: _("Agenda proposal"),
    )
