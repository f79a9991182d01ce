"""A small same-site crawler for the canary test: start from every route, follow links."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.test import Client


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in {"href", "src", "action"}:
                self.links.append(value)


@dataclass
class CrawlResult:
    visited: dict[str, int] = field(default_factory=dict)  # url -> status
    hits: list[str] = field(default_factory=list)  # "canary in url (where)"


def _same_site(url: str) -> str | None:
    url, _fragment = urldefrag(url)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return url


def crawl(
    client: Client,
    start: Iterable[str],
    canaries: Iterable[str],
    *,
    limit: int = 400,
    skip_prefixes: tuple[str, ...] = ("/static/", "/cuenta/logout/"),
) -> CrawlResult:
    """GET ``start`` and every same-site link found, looking for ``canaries`` everywhere.

    Bodies and headers of every response are searched, whatever the status. Only GET is
    used, so the crawl changes nothing (logout is skipped: its GET shows a form only).
    """
    result = CrawlResult()
    canaries = [c.lower() for c in canaries]
    queue = deque(start)
    while queue and len(result.visited) < limit:
        url = queue.popleft()
        if url in result.visited or url.startswith(skip_prefixes):
            continue
        response = client.get(url)
        result.visited[url] = response.status_code
        body = b"" if getattr(response, "streaming", False) else response.content
        text = body.decode("utf-8", "replace").lower()
        if response.get("Content-Type", "").startswith("text/calendar"):
            # RFC 5545 folds lines at 75 octets: a canary may be split across two lines.
            text = text.replace("\r\n ", "").replace("\r\n\t", "")
        headers = "\n".join(f"{k}: {v}" for k, v in response.items()).lower()
        for canary in canaries:
            if canary in text:
                result.hits.append(f"{canary} in body of {url}")
            if canary in headers:
                result.hits.append(f"{canary} in headers of {url}")
        if "html" in response.get("Content-Type", ""):
            parser = _LinkParser()
            parser.feed(body.decode("utf-8", "replace"))
            for link in parser.links:
                target = _same_site(link)
                if target and target not in result.visited:
                    queue.append(target)
        elif response.status_code in {301, 302, 303, 307, 308}:
            target = _same_site(response["Location"])
            if target:
                queue.append(target)
    return result
