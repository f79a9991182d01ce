"""Images (PNG, JPEG): a preview and no text, refusing decompression bombs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.files.extraction import sniff
from minka.files.extraction.readers.base import PREVIEW_SIZE, Failure, Outcome

if TYPE_CHECKING:
    from pathlib import Path

    from minka.files.extraction.readers.base import Context


def extract_image(path: Path, ctx: Context) -> Outcome:
    import warnings

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = sniff.IMAGE_MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=["PNG", "JPEG"]) as image:
                if image.format == "JPEG":
                    image.draft("RGB", (PREVIEW_SIZE * 2, PREVIEW_SIZE * 2))
                image.load()
                ctx.save_preview(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise Failure("memory", f"image too large: {error}"[:200]) from None
    return Outcome(ok=True, reason="no_text")
