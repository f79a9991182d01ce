"""A person's erasure (Ley 29733 cancellation) deletes their date answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.directory.hooks import register_person_erasure
from minka.participation.polls import services

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person


@register_person_erasure
def erase_answers(person: Person, user: User | None) -> None:
    if user is not None:
        services.answers_erase(user=user)
