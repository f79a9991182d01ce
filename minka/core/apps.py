from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "minka.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from minka.core import checks  # noqa: F401  (registers the system checks)


class MinkaAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "minka.core.admin_site.MinkaAdminSite"

    def ready(self) -> None:
        super().ready()
        from minka.core.admin import audit_every_admin

        audit_every_admin()
