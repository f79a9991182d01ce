"""Page weight: what a browser downloads for each main page, against the budget.

The budget (from the issue): every main page at most 60 KB transferred (HTML, CSS, JS, icons and
images, compressed) and at most 10 requests. ``measure()`` fetches a page with Django's test
client, finds every sub-resource a browser would load (stylesheets, scripts, icons, preloads,
images, ``url()`` and ``@import`` inside stylesheets, and ``/favicon.ico`` when no icon is
declared), fetches each one too, and compresses every body with gzip (level 6) and brotli
(quality 11, as whitenoise pre-compresses static files). A body that does not shrink is counted
as sent uncompressed. The budget counts the smaller of the two totals; HTTP headers are not
counted.

Run as a script (``make bench``)::

    MINKA_TESTING=1 .venv/bin/python bench/page_weight.py

It builds a throw-away SQLite database with the demo data, measures the main pages (signed in
where the page needs it), prints a table and writes ``bench/results/page_weight.json``.
"""

from __future__ import annotations

import gzip
import os
import re
import warnings
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import unquote, urljoin, urlsplit

import brotli

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.http import StreamingHttpResponse
    from django.test import Client

BUDGET_BYTES = 60 * 1024
BUDGET_REQUESTS = 10
GZIP_LEVEL = 6
BROTLI_QUALITY = 11

# (who, path): "anonymous", or a signed-in "member" or "coordinator".
PAGES: list[tuple[str, str]] = [
    ("anonymous", "/"),
    ("anonymous", "/cuenta/login/"),
    ("anonymous", "/cuenta/signup/"),
    ("anonymous", "/privacidad/"),
    ("anonymous", "/accesibilidad/"),
    ("member", "/cuenta/preferencias/"),
    ("coordinator", "/invitaciones/"),
    ("anonymous", "/directorio/"),
    ("member", "/directorio/personas/"),
    ("member", "/mis-datos/"),
    ("coordinator", "/directorio/solicitudes/"),
    ("anonymous", "/repositorio/"),
    ("member", "/repositorio/subir/"),
    ("anonymous", "/buscar/?q=red+dorsal"),
    ("anonymous", "/reuniones/"),
    ("coordinator", "/reuniones/nueva/"),
    ("coordinator", "/reuniones/importar-acta/"),
]

# <link rel> values whose target the browser downloads.
_FETCHED_RELS = {
    "stylesheet",
    "icon",
    "apple-touch-icon",
    "mask-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "manifest",
}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


@dataclass(frozen=True)
class Asset:
    """One sub-resource of a page; ``status`` is ``None`` for another host (not fetched)."""

    url: str
    kind: str
    status: int | None
    raw_bytes: int
    gzip_bytes: int
    brotli_bytes: int


@dataclass(frozen=True)
class PageWeight:
    """A page and its sub-resources; the byte totals include the HTML itself."""

    path: str
    requests: int
    raw_bytes: int
    gzip_bytes: int
    brotli_bytes: int
    assets: list[Asset] = field(default_factory=list)
    status: int = 200

    @property
    def compressed_bytes(self) -> int:
        """What the budget counts: the smaller of the gzip and brotli totals."""
        return min(self.gzip_bytes, self.brotli_bytes)

    @property
    def missing(self) -> list[Asset]:
        """Same-site sub-resources that did not answer 200 (a broken page, or a wrong count)."""
        return [asset for asset in self.assets if asset.status not in {None, 200}]

    def summary(self) -> str:
        return (
            f"{self.path}: {self.requests} requests, {self.raw_bytes / 1024:.1f} KB raw, "
            f"{self.gzip_bytes / 1024:.1f} KB gzip, {self.brotli_bytes / 1024:.1f} KB brotli "
            f"(budget {BUDGET_BYTES / 1024:.0f} KB compressed, {BUDGET_REQUESTS} requests)"
        )


class _SubresourceParser(HTMLParser):
    """Collect ``(url, kind)`` for everything the browser loads while rendering the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.has_icon = False
        self._in_picture = False
        self._picture_has_source = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "link":
            rels = set(attr.get("rel", "").lower().split())
            if "icon" in rels or "apple-touch-icon" in rels:
                self.has_icon = True
            fetched = rels & _FETCHED_RELS
            if fetched and attr.get("href"):
                self.found.append((attr["href"], sorted(fetched)[0]))
        elif tag == "script" and attr.get("src"):
            self.found.append((attr["src"], "script"))
        elif tag == "picture":
            self._in_picture, self._picture_has_source = True, False
        elif tag == "source" and self._in_picture:
            # The browser picks one candidate of one <source>: count the first.
            if not self._picture_has_source and attr.get("srcset"):
                self.found.append((_first_candidate(attr["srcset"]), "image"))
                self._picture_has_source = True
        elif tag == "img":
            if self._in_picture and self._picture_has_source:
                return
            url = attr.get("src") or _first_candidate(attr.get("srcset", ""))
            if url:
                self.found.append((url, "image"))
        elif tag in {"iframe", "embed", "audio", "video", "track"} and attr.get("src"):
            self.found.append((attr["src"], tag))
        elif tag == "object" and attr.get("data"):
            self.found.append((attr["data"], "object"))
        elif tag == "input" and attr.get("type", "").lower() == "image" and attr.get("src"):
            self.found.append((attr["src"], "image"))
        if tag == "video" and attr.get("poster"):
            self.found.append((attr["poster"], "image"))
        if attr.get("style"):
            self.found.extend((url, "image") for url in css_urls(attr["style"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture":
            self._in_picture = False

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style":
            self.found.extend((url, "css-url") for url in css_urls(data))


def _first_candidate(srcset: str) -> str:
    candidate = srcset.split(",")[0].strip()
    return candidate.split()[0] if candidate else ""


def css_urls(css: str) -> list[str]:
    """Return the ``url()`` and ``@import`` targets of a stylesheet, without ``data:`` URLs."""
    urls = []
    for match in _CSS_URL.finditer(css):
        url = (match.group(2) or match.group(4) or "").strip()
        if url and not url.startswith(("data:", "#")):
            urls.append(url)
    return urls


def subresources(html: str) -> list[tuple[str, str]]:
    """Return ``(url, kind)`` for each resource ``html`` makes the browser load, in order.

    Without an icon ``<link>``, browsers ask for ``/favicon.ico``: it is listed too.
    """
    parser = _SubresourceParser()
    parser.feed(html)
    parser.close()
    found = [(url, kind) for url, kind in parser.found if not url.startswith("data:")]
    if not parser.has_icon:
        found.append(("/favicon.ico", "icon"))
    return found


def compressed_sizes(body: bytes) -> tuple[int, int]:
    """Return ``(gzip, brotli)`` sizes of ``body``; a body that does not shrink is sent as is."""
    gzipped = len(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))
    brotlied = len(brotli.compress(body, quality=BROTLI_QUALITY))
    return min(gzipped, len(body)), min(brotlied, len(body))


def _fetch(client: Client, url: str) -> tuple[int, bytes]:
    """Fetch a same-site ``url``: static and media files from disk, the rest through ``client``.

    The test client does not serve static files, so ``/static/...`` is resolved with the
    staticfiles finders (then the storage), as ``runserver`` and whitenoise would.
    """
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.files.storage import default_storage

    path = unquote(urlsplit(url).path)
    for prefix, storage in (
        (settings.STATIC_URL, staticfiles_storage),
        (settings.MEDIA_URL, default_storage),
    ):
        if prefix and path.startswith(prefix):
            name = path.removeprefix(prefix)
            found = finders.find(name) if storage is staticfiles_storage else None
            if isinstance(found, str):
                return 200, Path(found).read_bytes()
            if storage.exists(name):
                with storage.open(name, "rb") as file:
                    return 200, file.read()
            return 404, b""
    return _get(client, url)


def _get(client: Client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    if response.streaming:
        streaming = cast("StreamingHttpResponse", response)
        return response.status_code, b"".join(cast("Iterator[bytes]", streaming.streaming_content))
    return response.status_code, response.content


def measure(client: Client, path: str) -> PageWeight:
    """GET ``path`` with ``client`` and add up the page and every sub-resource it loads.

    Each distinct URL counts once; a redirect is not followed (the status is reported).
    Resources on another host are counted as requests with unknown (zero) size.
    """
    status, html = _get(client, path)
    raw = len(html)
    gzipped, brotlied = compressed_sizes(html)
    page_url = f"http://testserver{path}"
    assets: list[Asset] = []
    seen: set[str] = {page_url}
    queue = [
        (urljoin(page_url, url), kind) for url, kind in subresources(html.decode(errors="replace"))
    ]
    while queue:
        url, kind = queue.pop(0)
        url = url.split("#")[0]
        if url in seen:
            continue
        seen.add(url)
        if urlsplit(url).netloc != "testserver":
            assets.append(Asset(url, kind, None, 0, 0, 0))
            continue
        asset_status, body = _fetch(client, url)
        asset_gzip, asset_brotli = compressed_sizes(body)
        assets.append(
            Asset(urlsplit(url).path, kind, asset_status, len(body), asset_gzip, asset_brotli)
        )
        raw, gzipped, brotlied = raw + len(body), gzipped + asset_gzip, brotlied + asset_brotli
        if kind == "stylesheet" or url.endswith(".css"):
            css = body.decode(errors="replace")
            queue.extend((urljoin(url, found), "css-url") for found in css_urls(css))
    return PageWeight(
        path=path,
        requests=1 + len(assets),
        raw_bytes=raw,
        gzip_bytes=gzipped,
        brotli_bytes=brotlied,
        assets=assets,
        status=status,
    )


def _machine() -> dict[str, object]:
    import platform

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }


def main() -> int:
    """Measure the main pages on a throw-away database with the demo data.

    Return 1 when a page is over budget, does not answer 200 or misses a sub-resource.
    """
    import json
    import sys
    import tempfile

    # whitenoise looks for STATIC_ROOT, which only ``collectstatic`` creates.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    with tempfile.TemporaryDirectory(prefix="minka-bench-") as tmp:
        os.environ.setdefault("MINKA_TESTING", "1")
        os.environ["MINKA_DATA_DIR"] = tmp
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["MINKA_TASKS_BACKEND"] = "immediate"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
        import django

        django.setup()
        # allauth's own calls, not the test helpers (which need factory_boy, a dev package):
        # the benchmark runs on the base lock alone.
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import setup_test_environment

        from minka.accounts.models import User
        from minka.site import demo

        setup_test_environment()
        call_command("migrate", interactive=False, verbosity=0)
        demo.load(password=demo.DEMO_PASSWORD)
        coordinator = User.objects.get(email="coordinacion@minka.test")
        TOTP.activate(coordinator, generate_totp_secret())
        users = {
            "anonymous": None,
            "member": User.objects.get(email="miembro@minka.test"),
            "coordinator": coordinator,
        }
        weights = []
        for who, path in PAGES:
            client = Client()
            user = users[who]
            if user is not None:
                client.force_login(user)
            weights.append((who, measure(client, path)))

    header = f"{'page':<24}{'as':<13}{'status':>7}{'requests':>10}"
    header += f"{'raw KB':>10}{'gzip KB':>10}{'brotli KB':>11}  budget"
    print(header)
    print("-" * len(header))
    failed = False
    for who, weight in weights:
        if weight.status != 200 or weight.missing:
            verdict = "BROKEN"
        elif weight.compressed_bytes > BUDGET_BYTES or weight.requests > BUDGET_REQUESTS:
            verdict = "OVER"
        else:
            verdict = "ok"
        failed = failed or verdict != "ok"
        print(
            f"{weight.path:<24}{who:<13}{weight.status:>7}{weight.requests:>10}"
            f"{weight.raw_bytes / 1024:>10.1f}{weight.gzip_bytes / 1024:>10.1f}"
            f"{weight.brotli_bytes / 1024:>11.1f}  {verdict}"
        )
    missing = sorted({(a.url, a.status) for _who, w in weights for a in w.missing})
    for url, status in missing:
        print(f"  not found: {url} (status {status}), counted as 0 bytes")
    machine = _machine()
    print(
        f"\nBudget: {BUDGET_BYTES // 1024} KB compressed (smaller of gzip and brotli), "
        f"{BUDGET_REQUESTS} requests. Machine: {machine['platform']}, "
        f"Python {machine['python']}, {machine['cpu_count']} CPUs."
    )
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    output = results / "page_weight.json"
    output.write_text(
        json.dumps(
            {
                "budget": {"compressed_bytes": BUDGET_BYTES, "requests": BUDGET_REQUESTS},
                "compression": {"gzip_level": GZIP_LEVEL, "brotli_quality": BROTLI_QUALITY},
                "machine": machine,
                "pages": [
                    {"as": who, **asdict(weight), "compressed_bytes": weight.compressed_bytes}
                    for who, weight in weights
                ],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Results written to {output}.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
