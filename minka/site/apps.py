from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top layer: the home page and the demo, the only app that may import every other."""

    name = "minka.site"
    label = "site"
    verbose_name = _("Site")
