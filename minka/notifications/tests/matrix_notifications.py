"""Access-matrix entries of the notifications app: the one-click unsubscribe of emails.

Anyone holding a valid link may open it (nothing changes) and confirm it (the kind is turned
off for the link's person): the signed token is the authorization, as RFC 8058 requires of
a link a mail program follows without a session. A tampered token is refused (400).
"""

from __future__ import annotations

from typing import Any

from minka.core.tests.access_matrix import Access, everyone
from minka.notifications.schedule import DIGEST_KIND
from minka.notifications.services import unsubscribe_token

MATRIX: dict[str, Access] = {
    "notifications:unsubscribe": Access(
        {"GET": everyone(200), "POST": everyone(200)}, kwargs="nt_unsubscribe"
    ),
    "notifications:unsubscribe[tampered]": Access(
        {"GET": everyone(400), "POST": everyone(400)}, kwargs="nt_unsubscribe_tampered"
    ),
}

KWARGS = {
    "nt_unsubscribe": lambda o: {"token": o.nt_token},
    "nt_unsubscribe_tampered": lambda o: {"token": o.nt_token[:-4] + "AAAA"},
}


def setup_objects(case: Any, objects: Any) -> None:
    objects.nt_token = unsubscribe_token(user=case.mem_a, kind=DIGEST_KIND)
