from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    """A library app: file type detection and the sandboxed extraction of text, pages and
    previews, used by the repository and the minutes importer. No models."""

    name = "minka.files"
    label = "files"
    verbose_name = _("Files")
