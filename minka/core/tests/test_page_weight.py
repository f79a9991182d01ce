"""The page-weight budget: every main page at most 60 KB compressed and 10 requests."""

from __future__ import annotations

from typing import Any

from django.test import SimpleTestCase, TestCase

from bench.page_weight import BUDGET_BYTES, BUDGET_REQUESTS, PAGES, measure, subresources
from minka.core.tests.base import client_for, make_personas

# The bench's roles, played by the role test base's personas.
_PERSONA_FOR = {"anonymous": "anon", "member": "mem_a", "coordinator": "coord"}


class PageWeightTests(TestCase):
    maxDiff = None
    personas: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.personas = make_personas()

    def test_main_pages_stay_within_the_budget(self) -> None:
        """Each main page, with everything it loads, is at most 60 KB compressed and 10
        requests."""
        for who, path in PAGES:
            with self.subTest(path=path, who=who):
                weight = measure(client_for(self.personas[_PERSONA_FOR[who]]), path)
                self.assertEqual(weight.status, 200, f"{path} as {who}: {weight.summary()}")
                self.assertLessEqual(
                    weight.compressed_bytes, BUDGET_BYTES, f"over budget: {weight.summary()}"
                )
                self.assertLessEqual(
                    weight.requests, BUDGET_REQUESTS, f"too many requests: {weight.summary()}"
                )

    def test_main_pages_find_every_subresource(self) -> None:
        """Every stylesheet, script and icon a main page links answers 200, so the weight
        counts real files (a missing file would also be a broken page)."""
        missing = {}
        for who, path in PAGES:
            weight = measure(client_for(self.personas[_PERSONA_FOR[who]]), path)
            if weight.missing:
                missing[f"{path} as {who}"] = [(a.url, a.status) for a in weight.missing]
        self.assertEqual(missing, {}, "pages link files that are not found")

    def test_measure_counts_the_page_and_what_it_loads(self) -> None:
        """The home page's weight includes its stylesheet, icon and htmx script, one request
        each, on top of the HTML."""
        weight = measure(client_for(None), "/")
        urls = [asset.url for asset in weight.assets]
        self.assertIn("/static/minka/minka.css", urls)
        self.assertIn("/static/minka/favicon.svg", urls)
        self.assertTrue(any(url.endswith(".js") for url in urls), urls)
        self.assertEqual(weight.requests, 1 + len(weight.assets))
        self.assertGreater(weight.raw_bytes, weight.gzip_bytes)
        self.assertEqual(weight.compressed_bytes, min(weight.gzip_bytes, weight.brotli_bytes))


class SubresourcesTests(SimpleTestCase):
    def test_finds_what_a_browser_loads(self) -> None:
        """Stylesheets, preloads, scripts, images and the first picture source are found;
        links the browser does not fetch, and data: URLs, are not."""
        html = """
            <link rel="stylesheet" href="/a.css"><link rel="preload" href="/f.woff2" as="font">
            <link rel="canonical" href="/page/"><link rel="alternate" href="/en/">
            <link rel="shortcut icon" href="/i.png">
            <script src="/s.js"></script><script>inline()</script>
            <img src="/p.png"><img src="data:image/png;base64,AAAA">
            <picture><source srcset="/w.avif 1x, /w2.avif 2x"><source srcset="/w.webp">
              <img src="/w.jpg"></picture>
            <div style="background: url('/bg.svg')"></div>
        """
        self.assertEqual(
            subresources(html),
            [
                ("/a.css", "stylesheet"),
                ("/f.woff2", "preload"),
                ("/i.png", "icon"),
                ("/s.js", "script"),
                ("/p.png", "image"),
                ("/w.avif", "image"),
                ("/bg.svg", "image"),
            ],
        )

    def test_a_page_without_an_icon_link_costs_a_favicon_request(self) -> None:
        """Browsers ask for /favicon.ico when the page declares no icon."""
        self.assertEqual(subresources("<p>Hola</p>"), [("/favicon.ico", "icon")])
