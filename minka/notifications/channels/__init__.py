"""The delivery channels (STYLE L7): each is a class with ``send()`` that hands one rendered
message to its service and classifies a failure as permanent or transient.

- :class:`PermanentError`: retrying cannot help (an unknown chat, a rejected address, a
  webhook that answers 4xx). The outbox records it and stops.
- :class:`TransientError`: the service is down, slow or asks to wait. The outbox tries again
  later: after ``retry_after`` seconds when the service said so (Telegram's 429), otherwise
  on its exponential schedule. ``counts=False`` marks a deferral that is not a failure
  (pacing: the chat was written to a moment ago), so it does not use up an attempt.

Error messages are short and name no secret: no token, no address, no server reply that
may quote one.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A message could not be delivered."""


class PermanentError(DeliveryError):
    """Delivery failed for good: do not retry."""


class TransientError(DeliveryError):
    """Delivery failed for now: retry later (after ``retry_after`` seconds if given)."""

    def __init__(self, message: str, *, retry_after: float | None = None, counts: bool = True):
        super().__init__(message)
        self.retry_after = retry_after
        self.counts = counts
