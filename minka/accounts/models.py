"""Users, their memberships in organizations, and invitations to join."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", User.Role.REGISTERED)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields["role"] = User.Role.ADMIN
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The email address is the login.

    ``role`` is the single source of the user's trust level; ``is_staff`` and
    ``is_superuser`` follow from it on save, so the two can never disagree.
    """

    class Role(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")
        ADMIN = "admin", _("Administrator")

    class Language(models.TextChoices):
        SPANISH = "es", _("Spanish")
        ENGLISH = "en", _("English")

    # Public identifier, so that no URL or export reveals how many accounts exist.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REGISTERED)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False, editable=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    role_granted_by = models.ForeignKey(
        "self",
        verbose_name=_("role granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role_granted_at = models.DateTimeField(_("role granted at"), null=True, blank=True)
    # The privacy notice the user accepted at sign-up (Ley 29733: versioned, with its hash).
    notice_version = models.CharField(_("privacy notice version"), max_length=20, blank=True)
    notice_hash = models.CharField(_("privacy notice hash"), max_length=64, blank=True)
    notice_accepted_at = models.DateTimeField(
        _("privacy notice accepted at"), null=True, blank=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects: ClassVar[UserManager] = UserManager()

    AUDIT_REDACT_VALUES = True  # the audit log names users by id, never by name or email

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        self.is_staff = self.role in {self.Role.COORDINATOR, self.Role.ADMIN}
        self.is_superuser = self.role == self.Role.ADMIN
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split()[0]
