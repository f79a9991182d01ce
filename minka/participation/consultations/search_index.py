"""What the consultations feed to the search index (``minka.search``): a consultation's
title, description, sections and published response, found by those who may see it
(its visibility). Comments are not indexed: a hidden comment must never turn up in a
snippet."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.participation.consultations.models import Consultation


def _body(consultation: Consultation) -> str:
    sections = [f"{s.number}. {s.title}" for s in consultation.sections.all()]
    texts = [consultation.description, *sections, consultation.response]
    return "\n".join(text for text in texts if text and text.strip())


def register() -> None:
    search.register(
        Consultation,
        title=lambda consultation: consultation.title,
        body=_body,
        visibility=lambda consultation: consultation.visibility,
        facets=lambda consultation: {
            "year": [str(timezone.localtime(consultation.opens_at).year)],
            "topic": [t.slug for t in consultation.document.topics.all()],
        },
        type_name=lambda: _("Consultation"),
    )
