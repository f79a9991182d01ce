"""An upload handler that stops reading a file as soon as it passes the size limit.

Installed first in ``FILE_UPLOAD_HANDLERS``: a file over ``REPOSITORY_MAX_UPLOAD_BYTES`` is
skipped while it streams (Django's other handlers never see the rest of it), and its name is
remembered on the request, so that the view can say which file was too large. Files within
the limit pass through unchanged to the memory and temporary-file handlers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.REPOSITORY_MAX_UPLOAD_BYTES:
            oversize = getattr(self.request, "oversize_files", [])
            oversize.append(self.file_name or "")
            if self.request is not None:
                # Ignored type error: an attribute this upload handler adds to the request.
                self.request.oversize_files = oversize  # type: ignore[attr-defined]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def oversize_files(request: Any) -> list[str]:
    """The names of the files this request's upload skipped for being too large."""
    return list(getattr(request, "oversize_files", []))
