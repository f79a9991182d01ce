"""Password validators beyond Django's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from minka.accounts.models import User


class MaximumLengthValidator:
    """Refuse passwords over 128 characters (long passphrases are welcome up to there)."""

    max_length = 128

    def validate(self, password: str, user: User | None = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long: use at most %(max)d characters.")
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Your password can have up to %(max)d characters.") % {"max": self.max_length}
