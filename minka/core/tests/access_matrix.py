"""The access matrix: route × persona × method → expected HTTP status, written down as data.

Every named route of the project must have an entry (``test_access_matrix`` fails when one
is missing). Personas are those of ``shared/SECURITY.md``: ``anon``, ``reg`` (registered),
``mem_a`` (member of organization A), ``mem_b`` (member of organization B), ``coord``
(coordinator) and ``admin``. Objects belong to organization A unless stated.

A key is ``route-name`` or ``route-name[state]`` when one route is checked with objects in
several states (``directory:invitation-accept[expired]``). ``kwargs`` names a builder in
``test_access_matrix.KWARGS``. Methods not listed answer ``405`` for everyone.

Reading the numbers: 200 shown; 302 redirected (to sign in, or away after the action);
400 refused input; 403 not allowed for this role; 404 hidden or unknown; 405 wrong method.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PERSONAS = ("anon", "reg", "mem_a", "mem_b", "coord", "admin")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def row(anon: int, reg: int, mem_a: int, mem_b: int, coord: int, admin: int) -> tuple[int, ...]:
    return (anon, reg, mem_a, mem_b, coord, admin)


def everyone(status: int) -> tuple[int, ...]:
    return (status,) * len(PERSONAS)


def signed_in(anon: int, others: int) -> tuple[int, ...]:
    """``anon`` for visitors, ``others`` for every signed-in persona."""
    return (anon,) + (others,) * (len(PERSONAS) - 1)


@dataclass(frozen=True)
class Access:
    methods: dict[str, tuple[int, ...]]
    kwargs: str = ""
    data: dict[str, str] = field(default_factory=dict)
    note: str = ""


def form_view(get: tuple[int, ...], post: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """A page with a form: GET shows it, POST sends it (an empty POST in this test)."""
    return {"GET": get, "POST": post}


SIGNED_IN_ONLY = signed_in(302, 200)  # a page for any signed-in user; visitors go to sign in
ANONYMOUS_ONLY = signed_in(200, 302)  # sign-in and sign-up pages; signed-in users move on
NOT_OFFERED = signed_in(302, 403)  # a feature switched off: sign in first, then refused
# Coordinators and admins have a TOTP authenticator; the other personas do not.
WITH_TOTP_200 = row(302, 302, 302, 302, 200, 200)
WITH_TOTP_302 = row(302, 404, 404, 404, 302, 302)

MATRIX: dict[str, Access] = {
    # --- Site pages -------------------------------------------------------------------
    "site:home": Access({"GET": everyone(200)}),
    "core:healthz": Access({"GET": everyone(200)}),
    "core:privacy": Access({"GET": everyone(200)}),
    "core:accessibility": Access({"GET": everyone(200)}),
    "core:audit-list": Access({"GET": row(302, 403, 403, 403, 403, 200)}),
    "accounts:access-review": Access({"GET": row(302, 403, 403, 403, 403, 200)}),
    # --- Invitations ------------------------------------------------------------------
    "directory:invitation-list": Access(
        {"GET": row(302, 403, 403, 403, 200, 200), "POST": row(302, 403, 403, 403, 400, 400)}
    ),
    "directory:invitation-revoke": Access(
        {"POST": row(302, 403, 403, 403, 302, 302)}, kwargs="invitation"
    ),
    # A pending invitation to someone else: anyone with the link sees it; only the invited
    # address can accept it (400 for the others).
    "directory:invitation-accept": Access(
        {"GET": everyone(200), "POST": row(302, 400, 400, 400, 400, 400)}, kwargs="token"
    ),
    # The registered persona's own invitation: accepting it makes them a member.
    "directory:invitation-accept[own]": Access(
        {"GET": everyone(200), "POST": row(302, 302, 400, 400, 400, 400)}, kwargs="reg_token"
    ),
    "directory:invitation-accept[expired]": Access(
        {"GET": everyone(200), "POST": row(302, 400, 400, 400, 400, 400)},
        kwargs="expired_token",
    ),
    "directory:invitation-accept[unknown]": Access(
        {"GET": everyone(404), "POST": everyone(404)}, kwargs="unknown_token"
    ),
    # --- Preferences and language -----------------------------------------------------
    # An empty POST lacks the (required) name: refused with 400.
    "accounts:preferences": Access({"GET": SIGNED_IN_ONLY, "POST": signed_in(302, 400)}),
    "accounts:set-language": Access({"POST": everyone(302)}),
    # --- allauth: sign-in, sign-up, passwords, email ----------------------------------
    "account_login": Access(form_view(ANONYMOUS_ONLY, ANONYMOUS_ONLY)),
    "account_logout": Access(form_view(signed_in(302, 200), everyone(302))),
    "account_inactive": Access({"GET": everyone(200)}),
    "account_signup": Access(form_view(ANONYMOUS_ONLY, ANONYMOUS_ONLY)),
    "account_reauthenticate": Access(form_view(SIGNED_IN_ONLY, SIGNED_IN_ONLY)),
    # Re-authentication by emailed code is switched off: password or second factor only.
    "account_request_reauthentication_code": Access(
        form_view(signed_in(302, 403), signed_in(302, 403))
    ),
    "account_confirm_reauthentication_code": Access(
        form_view(signed_in(302, 403), signed_in(302, 403))
    ),
    # An empty POST names no action on an address: back to the page.
    "account_email": Access(form_view(SIGNED_IN_ONLY, signed_in(302, 302))),
    "account_email_verification_sent": Access({"GET": everyone(200)}),
    "account_change_password": Access(form_view(SIGNED_IN_ONLY, SIGNED_IN_ONLY)),
    "account_set_password": Access(form_view(signed_in(302, 302), signed_in(302, 302))),
    "account_reset_password": Access(form_view(everyone(200), everyone(200))),
    "account_reset_password_done": Access({"GET": everyone(200)}),
    "account_reset_password_from_key": Access(
        form_view(everyone(200), everyone(200)), kwargs="reset_key"
    ),
    "account_reset_password_from_key_done": Access({"GET": everyone(200)}),
    # Sign-in by emailed code is off: the page sends everyone back to the sign-in.
    "account_confirm_login_code": Access(form_view(everyone(302), everyone(302))),
    "account_confirm_email": Access(form_view(everyone(200), everyone(404)), kwargs="confirm_key"),
    # --- allauth: two factors and sessions --------------------------------------------
    # Changing second factors needs a recent sign-in (the test client's sessions have
    # none, so every change is sent to re-authenticate: 302).
    "mfa_index": Access(form_view(SIGNED_IN_ONLY, signed_in(302, 405))),
    "mfa_authenticate": Access(form_view(everyone(302), everyone(302))),
    "mfa_reauthenticate": Access(
        form_view(row(302, 302, 302, 302, 200, 200), row(302, 302, 302, 302, 200, 200))
    ),
    "mfa_activate_totp": Access(form_view(signed_in(302, 302), signed_in(302, 302))),
    # Nothing to deactivate without TOTP (404); with it, re-authenticate first (302).
    "mfa_deactivate_totp": Access(
        form_view(row(302, 404, 404, 404, 302, 302), row(302, 404, 404, 404, 302, 302))
    ),
    # Coordinators here have TOTP but no recovery codes yet: nothing to view (404).
    "mfa_view_recovery_codes": Access(form_view(signed_in(302, 404), signed_in(302, 405))),
    "mfa_generate_recovery_codes": Access(form_view(signed_in(302, 302), signed_in(302, 302))),
    "mfa_download_recovery_codes": Access(form_view(signed_in(302, 404), signed_in(302, 404))),
    "usersessions_list": Access(form_view(SIGNED_IN_ONLY, signed_in(302, 302))),
}
