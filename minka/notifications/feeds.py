"""Atom 1.0 feeds of public content: the shared base.

Each area writes its feed in its own ``feeds.py`` (``minka.meetings.feeds``,
``minka.documents.feeds``, ``minka.agreements.feeds``) as a subclass of :class:`PublicFeed`,
and ``minka/urls.py`` routes them under ``/feeds/``. The base makes every feed alike:

- **Public only, the same for everyone.** Items are read through the area's own visibility
  querysets as an anonymous visitor, whoever asks: a signed-in coordinator gets exactly
  what a visitor gets, so a feed can be shared, cached and read by any feed reader.
- **Absolute links from** ``settings.BASE_URL``, never from the request's ``Host`` header;
  entry ids are tag URIs (RFC 4151) built from the item's page and its creation date, so
  they never change while the item lives.
- **Text, never markup.** Titles are Atom text constructs (``type="text"``), escaped by the
  XML writer; summaries are ``type="html"`` built here from plain-text lines, each escaped
  once as HTML (and again by the XML writer), so that a title or file name such as
  ``<script>`` or ``]]>`` reaches a reader as characters. Characters that XML 1.0 cannot
  carry are dropped instead of failing the whole feed.
- At most :data:`ENTRY_LIMIT` entries, newest first; a fixed number of queries.
- ``Cache-Control: public, max-age=300`` from the view (:class:`minka.core.middleware.
  PrivateCacheMiddleware` may still make it ``private``), an ``ETag`` and the
  ``Last-Modified`` of the newest entry, so a reader that asks again gets ``304``.
- Feed and entry texts through gettext, in the active language (Spanish unless the
  visitor chose English).
"""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.http import parse_http_date_safe
from django.utils.text import Truncator

from minka.core.markdown import render
from minka.core.models import TimeStampedModel
from minka.core.urls_util import absolute_url

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django_stubs_ext import StrPromise

    from minka.core.types import Actor

# Entries per feed: readers poll, and fifty covers months of a network's activity.
ENTRY_LIMIT = 50
# Seconds a reader (or a shared cache) may keep a feed.
MAX_AGE = 300
# Characters of an excerpt (a description, the summary of minutes).
EXCERPT_LENGTH = 300
# What XML 1.0 cannot carry: C0 controls but tab, newline and carriage return, and the two
# non-characters. Django's XML writer refuses them (and the whole feed would fail).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Item = TypeVar("Item", bound=TimeStampedModel)


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def plain_excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Plain text on one line, cut at ``length`` characters (with an ellipsis)."""
    return Truncator(" ".join(text.split())).chars(length)


def markdown_excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Markdown (minutes) as plain text on one line: what readers see, without markup."""
    if not text.strip():
        return ""
    return plain_excerpt(unescape(strip_tags(render(text))), length)


def _to_the_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


class PublicFeed(Feed[Item, None], Generic[Item]):
    """An Atom feed of what everyone may see. Subclasses set the class attributes and
    write :meth:`entries` and the ``entry_*`` methods; they never see the request."""

    feed_type = Atom1Feed
    # The page the feed belongs to (its rel="alternate" link) and the feed's own route.
    page_route: ClassVar[str]
    feed_route: ClassVar[str]
    # The feed's title with a ``%(network)s`` placeholder, and its subtitle.
    title_format: ClassVar[StrPromise]
    subtitle_text: ClassVar[StrPromise]

    # --- What subclasses write ---------------------------------------------------------

    def entries(self, visitor: Actor) -> QuerySet[Item]:
        """The items ``visitor`` (always anonymous) may see, newest first, with what the
        entries show loaded in a fixed number of queries."""
        raise NotImplementedError

    def entry_title(self, item: Item) -> str:
        raise NotImplementedError

    def entry_lines(self, item: Item) -> list[str]:
        """The summary as plain-text lines (empty ones are left out)."""
        raise NotImplementedError

    def entry_path(self, item: Item) -> str:
        """The item's page (a path; the base makes it absolute)."""
        raise NotImplementedError

    def entry_updated(self, item: Item) -> datetime:
        return item.updated_at

    def entry_published(self, item: Item) -> datetime | None:
        return item.created_at

    # --- The response --------------------------------------------------------------------

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        set_response_etag(response)
        conditional = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
        return conditional or response

    # --- The feed ------------------------------------------------------------------------

    def title(self) -> str:
        return xml_text(str(self.title_format) % {"network": settings.NETWORK_NAME})

    def subtitle(self) -> str:
        return str(self.subtitle_text)

    def link(self) -> str:
        return absolute_url(reverse(self.page_route))

    def feed_url(self) -> str:
        return absolute_url(reverse(self.feed_route))

    def feed_guid(self) -> str:
        return self.feed_url()

    def author_name(self) -> str:
        return xml_text(settings.NETWORK_NAME)

    def author_link(self) -> str:
        return absolute_url("/")

    def items(self) -> list[Item]:
        return list(self.entries(AnonymousUser())[:ENTRY_LIMIT])

    # --- Each entry ------------------------------------------------------------------------

    def item_title(self, item: Item) -> str:
        return xml_text(self.entry_title(item))

    def item_description(self, item: Item) -> str:
        lines = (xml_text(line).strip() for line in self.entry_lines(item))
        return "".join(f"<p>{escape(line)}</p>" for line in lines if line)

    def item_link(self, item: Item) -> str:
        return absolute_url(self.entry_path(item))

    def item_guid(self, item: Item) -> str:
        """``tag:<host of BASE_URL>,<day the item was created>:<its page>`` (RFC 4151)."""
        host = urlsplit(settings.BASE_URL).hostname or "minka"
        return f"tag:{host},{item.created_at:%Y-%m-%d}:{self.entry_path(item)}"

    def item_updateddate(self, item: Item) -> datetime:
        return _to_the_second(self.entry_updated(item))

    def item_pubdate(self, item: Item) -> datetime | None:
        published = self.entry_published(item)
        return _to_the_second(published) if published is not None else None
