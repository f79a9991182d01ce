"""The participation landing page: every mechanism, with what the viewer may take part in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.views.decorators.http import require_GET

if TYPE_CHECKING:
    from django.http import HttpResponse

    from minka.core.http import HtmxHttpRequest


@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """/participa/: how to take part (proposals, consultations, date polls, joining)."""
    return render(request, "participation/index.html", {})
