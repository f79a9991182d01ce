"""User-written Markdown is rendered with raw HTML off and sanitized by an allowlist."""

from __future__ import annotations

from django.test import SimpleTestCase

from minka.core.markdown import render


class MarkdownTests(SimpleTestCase):
    def test_renders_emphasis_lists_links_and_tables(self) -> None:
        """CommonMark basics and tables render, links get a safe ``rel``."""
        html = render("**firme** y *leve*\n\n- uno\n- dos\n\n[GOB](https://www.gob.pe)")
        self.assertIn("<strong>firme</strong>", html)
        self.assertIn("<li>uno</li>", html)
        self.assertIn(
            '<a href="https://www.gob.pe" rel="nofollow noopener noreferrer">GOB</a>', html
        )
        table = render("| a | b |\n|---|---|\n| 1 | 2 |")
        self.assertIn("<td>1</td>", table)

    def test_headings_start_below_the_page_headings(self) -> None:
        """``#`` becomes ``h3``: the page owns ``h1`` and ``h2``."""
        self.assertEqual(render("# Título").strip(), "<h3>Título</h3>")
        self.assertEqual(render("## Sub").strip(), "<h4>Sub</h4>")

    def test_raw_html_and_script_are_escaped(self) -> None:
        """Raw HTML is text, never markup."""
        html = render('<script>alert(1)</script><img src=x onerror="alert(2)">')
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertIn("&lt;script&gt;", html)

    def test_dangerous_links_and_images_are_dropped(self) -> None:
        """``javascript:`` links and every image (local or remote) never become markup."""
        html = render(
            "[x](javascript:alert(1)) ![a](file:///etc/passwd) ![b](http://169.254.169.254/)"
        )
        self.assertNotIn("href", html)
        self.assertNotIn("<img", html)

    def test_empty_text_renders_nothing(self) -> None:
        self.assertEqual(render(""), "")
