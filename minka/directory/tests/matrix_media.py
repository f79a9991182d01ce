"""Access-matrix entries for logos and photos, served through permission-checked views."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from PIL import Image

from minka.core.tests.access_matrix import Access, everyone, row
from minka.directory.models import Organization
from minka.directory.tests.factories import OrganizationFactory, PersonFactory

if TYPE_CHECKING:
    from collections.abc import Callable


def png() -> ContentFile[bytes]:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="image.png")


MATRIX: dict[str, Access] = {
    "directory:organization-logo": Access({"GET": everyone(200)}, kwargs="media_member_org"),
    # An applicant organization is shown to members and coordinators only, its logo too.
    "directory:organization-logo[applicant]": Access(
        {"GET": row(404, 404, 200, 200, 200, 200)}, kwargs="media_applicant_org"
    ),
    "directory:organization-logo[no-logo]": Access({"GET": everyone(404)}, kwargs="media_no_logo"),
    # A photo the person agreed to show: members see it; it is never public.
    "directory:person-photo": Access(
        {"GET": row(404, 404, 200, 200, 200, 200)}, kwargs="media_photo_person"
    ),
    # A photo without that consent: only coordinators (and the person).
    "directory:person-photo[private]": Access(
        {"GET": row(404, 404, 404, 404, 200, 200)}, kwargs="media_private_photo"
    ),
}

KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "media_member_org": lambda o: {"slug": o.media_member_org.slug},
    "media_applicant_org": lambda o: {"slug": o.media_applicant_org.slug},
    "media_no_logo": lambda o: {"slug": o.media_no_logo.slug},
    "media_photo_person": lambda o: {"public_id": o.media_photo_person.public_id},
    "media_private_photo": lambda o: {"public_id": o.media_private_photo.public_id},
}


def setup_objects(case: Any, objects: Any) -> None:
    objects.media_member_org = OrganizationFactory.create(slug="media-logo", logo=png())
    objects.media_applicant_org = OrganizationFactory.create(
        slug="media-applicant",
        logo=png(),
        membership_status=Organization.MembershipStatus.APPLICANT,
    )
    objects.media_no_logo = OrganizationFactory.create(slug="media-no-logo")
    objects.media_photo_person = PersonFactory.create(
        public_listing=True, members_listing=True, photo_consent=True, photo=png()
    )
    objects.media_private_photo = PersonFactory.create(
        public_listing=True, members_listing=True, photo_consent=False, photo=png()
    )
