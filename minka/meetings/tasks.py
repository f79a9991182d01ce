"""Background tasks of the meetings app."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def render_minutes_pdf(minutes_id: int) -> int:
    """Render and store the PDF of the minutes' current revision in every interface
    language, so that the first download after approval, publication or an erratum does
    not wait for the layout. Returns how many PDFs were rendered (0 when all were stored
    already, when the minutes are gone, or when WeasyPrint cannot load)."""
    from django.conf import settings
    from django.utils import translation

    from minka.meetings.minutes import exports, pdf_store
    from minka.meetings.minutes.models import Minutes

    minutes = (
        Minutes.objects.select_related("meeting__series", "approved_by", "current_revision")
        .filter(pk=minutes_id)
        .first()
    )
    if minutes is None or minutes.current_revision is None:
        return 0
    rendered = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            name, html = pdf_store.lookup(minutes, minutes.current_revision)
            if pdf_store.exists(name):
                continue
            try:
                pdf_store.store(minutes, name, html)
            except exports.PdfUnavailable:
                logger.warning("minutes PDF not rendered: WeasyPrint cannot load")
                return rendered
            rendered += 1
    return rendered
