"""Shared by the directory's services: image re-encoding (logos and photos)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def image_resize(
    upload: UploadedFile[Any], *, size: tuple[int, int], name: str
) -> ContentFile[bytes]:
    """Re-encode an uploaded image as a PNG that fits in ``size``.

    Re-encoding drops whatever the file carried besides pixels (scripts in SVG are refused
    outright: only raster formats open), and bounds the stored size.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            if image.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                raise ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("This image is too large."))
            image.thumbnail(size)
            converted = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
            buffer = io.BytesIO()
            converted.save(buffer, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image we can read.")) from None
    return ContentFile(buffer.getvalue(), name=f"{name}.png")


# Paths of the management pages under /directorio/organizaciones/: never an organization's slug.
