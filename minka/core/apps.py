from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "minka.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from minka.core import (
            checks,  # noqa: F401  (registers the system checks)
            pagecache,
        )

        # Every write to the database replaces the rendered-page cache's content version.
        connection_created.connect(pagecache.install, dispatch_uid="minka.pagecache")
        for connection in connections.all(initialized_only=True):
            pagecache.install(connection=connection)
        post_migrate.connect(
            lambda **_: pagecache.bump_version(), weak=False, dispatch_uid="minka.pagecache"
        )


class MinkaAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "minka.core.admin_site.MinkaAdminSite"

    def ready(self) -> None:
        super().ready()
        from minka.core.admin import audit_every_admin

        audit_every_admin()
