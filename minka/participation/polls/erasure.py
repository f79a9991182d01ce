"""A person's erasure (Ley 29733 cancellation) deletes their date answers.

The directory's erasure (:func:`minka.directory.services.person_anonymize`) offers no hook to
the apps above it; it ends by erasing the account through
:func:`minka.accounts.services.user_erase`, which deactivates it with an
``anonymized-<id>@invalid`` address. That save is the signal used here: the apps below may not
import participation (STYLE.md L5).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from minka.accounts.models import User
from minka.participation.polls import services


def is_erased(user: User) -> bool:
    return (
        not user.is_active
        and user.email.startswith("anonymized-")
        and user.email.endswith("@invalid")
    )


@receiver(post_save, sender=User, dispatch_uid="participation.polls.answers_erase")
def erase_answers(sender: type[User], instance: User, **kwargs: Any) -> None:
    if is_erased(instance):
        services.answers_erase(user=instance)
