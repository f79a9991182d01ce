"""Standard Webhooks v1 signatures for outgoing webhooks (SECURITY.md §1.8, row 2).

The Standard Webhooks specification (v1.0.0, github.com/standard-webhooks/standard-webhooks)
is what receivers' libraries verify, in every language, so Minka signs exactly that way:

- a secret per endpoint, ``whsec_`` followed by the base64 of 24 to 64 random bytes (Minka
  makes 32); the HMAC key is the decoded bytes;
- three headers on each delivery: ``webhook-id`` (the message's unique id, the same on every
  retry, so that receivers can drop duplicates), ``webhook-timestamp`` (integer seconds since
  the epoch) and ``webhook-signature``: ``v1,`` + base64(HMAC-SHA256(key,
  ``{id}.{timestamp}.`` + body)), for the body bytes exactly as sent;
- rotation: while an endpoint has a new and a previous secret, the header carries both
  signatures separated by a space, and a receiver configured with either secret accepts the
  delivery;
- receivers refuse deliveries whose timestamp is more than 5 minutes away from their clock,
  which bounds replays; :func:`verify` does the same.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
SECRET_BYTES = 32
TOLERANCE_SECONDS = 5 * 60
SIGNATURE_VERSION = "v1"
HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"


class SignatureError(ValueError):
    """A delivery's headers are missing, stale or carry no valid signature."""


def secret_generate() -> str:
    """A new endpoint secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret; ``ValueError`` for anything else."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("A webhook secret starts with 'whsec_'.")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise ValueError("A webhook secret is 'whsec_' followed by base64.") from None
    if not 24 <= len(key) <= 64:
        raise ValueError("A webhook secret holds 24 to 64 bytes.")
    return key


def _check_id(msg_id: str) -> None:
    if not msg_id or len(msg_id) > 255 or not msg_id.isascii() or not msg_id.isprintable():
        raise ValueError("A webhook message id is 1 to 255 printable ASCII characters.")
    if " " in msg_id:
        raise ValueError("A webhook message id has no spaces.")


def _secrets(secret_or_secrets: str | Sequence[str]) -> list[str]:
    found = [secret_or_secrets] if isinstance(secret_or_secrets, str) else list(secret_or_secrets)
    if not found:
        raise ValueError("At least one webhook secret is needed.")
    return found


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of ``body`` for this id and timestamp."""
    _check_id(msg_id)
    if timestamp < 0:
        raise ValueError("A webhook timestamp is a non-negative number of seconds.")
    content = f"{msg_id}.{int(timestamp)}.".encode("ascii") + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def headers(
    secret_or_secrets: str | Sequence[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery.

    During a rotation, pass the secrets newest first (the new and the previous one): the
    signature header then carries one signature per secret, separated by spaces.
    """
    signatures = " ".join(
        sign(secret, msg_id, timestamp, body) for secret in _secrets(secret_or_secrets)
    )
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(int(timestamp)),
        HEADER_SIGNATURE: signatures,
    }


def verify(
    secret_or_secrets: str | Sequence[str],
    received_headers: Mapping[str, str],
    body: bytes,
    *,
    now: int | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise :class:`SignatureError` unless the headers carry a valid signature of ``body``
    by one of the secrets, with a timestamp within ``tolerance`` seconds of ``now``."""
    lowered = {name.lower(): value for name, value in received_headers.items()}
    msg_id = lowered.get(HEADER_ID, "")
    timestamp_text = lowered.get(HEADER_TIMESTAMP, "")
    signature_text = lowered.get(HEADER_SIGNATURE, "")
    if not (msg_id and timestamp_text and signature_text):
        raise SignatureError("The webhook headers are missing.")
    if not timestamp_text.isascii() or not timestamp_text.isdigit():
        raise SignatureError("The webhook timestamp is not a number of seconds.")
    timestamp = int(timestamp_text)
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("The webhook timestamp is too old or too new.")
    try:
        _check_id(msg_id)
    except ValueError:
        raise SignatureError("The webhook message id is not valid.") from None
    expected = [
        sign(secret, msg_id, timestamp, body).encode("ascii")
        for secret in _secrets(secret_or_secrets)
    ]
    received = [part.encode() for part in signature_text.split(" ") if part]
    if not any(hmac.compare_digest(mine, theirs) for mine in expected for theirs in received):
        raise SignatureError("No webhook signature matches.")
