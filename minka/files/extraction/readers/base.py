"""What every format reader shares: the context it is given, the text it collects and
the outcome or failure it ends with, within the worker's limits on pages, characters and
the preview's size (no Django: this runs in the worker)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from minka.files.extraction.worker import Job


MAX_PAGES = 2_000  # pages, slides or sheets whose text is kept
MAX_CHARS = 2_000_000  # characters of text kept in all
PREVIEW_SIZE = 800  # longest side of the preview, in pixels
PREVIEW = "preview.png"

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass
class Outcome:
    ok: bool
    pages: list[str] = field(default_factory=list)
    page_count: int | None = None
    reason: str = ""
    detail: str = ""
    preview: bool = False
    peak_rss_mb: float = 0.0


class Failure(Exception):  # noqa: N818 -- an outcome, not a programming error.
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Text:
    """Collects page texts within :data:`MAX_PAGES` and :data:`MAX_CHARS`."""

    def __init__(self) -> None:
        self.pages: list[str] = []
        self.chars = 0
        self.capped = False

    @property
    def full(self) -> bool:
        return len(self.pages) >= MAX_PAGES or self.chars >= MAX_CHARS

    def add(self, text: str) -> None:
        if self.full:
            self.capped = True
            return
        text = clean(text)[: MAX_CHARS - self.chars]
        self.chars += len(text)
        self.pages.append(text)

    def outcome(self, page_count: int | None, detail: str = "") -> Outcome:
        notes = [detail] if detail else []
        if self.capped or self.full:
            notes.append(f"text kept: {len(self.pages)} pages, {self.chars} characters")
        has_text = any(page.strip() for page in self.pages)
        return Outcome(
            ok=True,
            pages=self.pages,
            page_count=page_count,
            reason="" if has_text else "no_text",
            detail="; ".join(notes),
        )


def clean(text: str) -> str:
    """Normalize line breaks and drop control characters (form feed separates pages)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").replace("\f", "\n")
    return _CONTROL.sub("", text)


# A list marker the writer typed: a bullet or dash, "1." / "1)" / "(1)", "a)", "iv.".
_LIST_MARKER = re.compile(
    r"\s*(?:[-\u2010-\u2015\u2022\u2023\u2043\u25aa-\u25cf\u25e6*+·]"
    r"|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)])\s"
)


def list_item(text: str) -> str:
    """Show a list paragraph as one: automatic bullets and numbers are not part of its text
    (python-docx and odfpy do not render them), so "- " stands in for them."""
    return "- " + text if text.strip() and not _LIST_MARKER.match(text) else text


class Context:
    """What an extractor needs besides the file: output folder, converter, time left."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.out = Path(job["out"])
        # CLOCK_MONOTONIC is shared by every process on the machine.
        self.deadline = job["deadline"]
        self.preview_written = False
        self.note = ""  # why there is no preview, for the detail

    def seconds_left(self) -> float:
        return self.deadline - time.monotonic()

    def save_preview(self, image: Any) -> None:
        image.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(self.out / PREVIEW, format="PNG", optimize=True)
        self.preview_written = True
