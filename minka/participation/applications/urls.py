"""The applications area's URLs, in the ``participation`` namespace (no app_name here)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
