"""The translation catalogs: complete, compiled, faithful to their placeholders, and in use.

The strings are extracted the way ``make messages`` does, by running ``makemessages`` in a
temporary copy of the package, so that the committed catalogs are never touched.
"""

from __future__ import annotations

import contextlib
import gettext
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation

import minka

PACKAGE_DIR = Path(minka.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ("es", "en")
MAKE_MESSAGES = "run `make messages`"

Key = tuple[str | None, str]  # (msgctxt, msgid)


@dataclass
class Entry:
    """One message of a PO file."""

    msgid: str
    msgctxt: str | None = None
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and bool(self.msgstrs) and all(self.msgstrs)

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        plural = f" / {self.msgid_plural!r}" if self.msgid_plural else ""
        return f"{context}{self.msgid!r}{plural}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text.strip()[1:-1])


def parse_po(path: Path) -> tuple[dict[str, str], dict[Key, Entry]]:
    """Return the header fields and the messages of the PO file at ``path``.

    Enough of the format for what msgmerge writes: comments, flags, msgctxt, msgid,
    msgid_plural, msgstr and msgstr[n], continued strings; obsolete (``#~``) entries are skipped.
    """
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, str] = {}
        flags: set[str] = set()
        current = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                parts[current] += _unquote(line)
            else:
                current, _space, rest = line.partition(" ")
                parts[current] = _unquote(rest)
        if "msgid" not in parts:
            continue
        msgstrs = [parts[name] for name in sorted(parts) if name.startswith("msgstr")]
        entries.append(
            Entry(
                msgid=parts["msgid"],
                msgctxt=parts.get("msgctxt"),
                msgid_plural=parts.get("msgid_plural", ""),
                msgstrs=msgstrs,
                flags=flags,
            )
        )
    header: dict[str, str] = {}
    messages: dict[Key, Entry] = {}
    for entry in entries:
        if entry.key == (None, ""):
            header = {
                name.strip(): value.strip()
                for name, _colon, value in (
                    line.partition(":") for line in entry.msgstrs[0].splitlines() if line
                )
            }
            header["#flags"] = ",".join(sorted(entry.flags))
        else:
            messages[entry.key] = entry
    return header, messages


def catalog_path(language: str, extension: str = "po") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"django.{extension}"


@cache
def extracted_messages() -> dict[Key, Entry]:
    """Run ``makemessages`` as ``make messages`` does, on a temporary copy of the package.

    The copy has its own empty ``locale`` directory, which makemessages picks for every file
    below it; ``LOCALE_PATHS`` points there too, so the real catalogs stay untouched.
    """
    with tempfile.TemporaryDirectory(prefix="minka-messages-") as tmp:
        tree = Path(tmp) / "minka"
        shutil.copytree(
            PACKAGE_DIR, tree, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
        )
        (tree / "locale").mkdir()
        with override_settings(LOCALE_PATHS=[tree / "locale"]), contextlib.chdir(tree):
            call_command("makemessages", locale=["es"], no_obsolete=True, verbosity=0)
        _header, messages = parse_po(tree / "locale" / "es" / "LC_MESSAGES" / "django.po")
    return messages


# %(name)s and %s (Python), {name} (str.format) and {{ name }} (Django templates).
_PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")
_BRACE = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")


def placeholders(text: str) -> list[str]:
    """Return the placeholders of ``text``: named ones once each, positional ones each time."""
    named: set[str] = set()
    positional: list[str] = []
    for match in _PERCENT.finditer(text):
        if match.group(0) == "%%":
            continue
        if match.group("name") is not None:
            named.add(match.group(0))
        else:
            positional.append(match.group(0))
    named.update(f"{{{{ {name} }}}}" for name in _TEMPLATE_VARIABLE.findall(text))
    # Template variables and escaped braces ({{ and }} in str.format) are not {name} fields.
    without_variables = _TEMPLATE_VARIABLE.sub("", text).replace("{{", "").replace("}}", "")
    for match in _BRACE.finditer(without_variables):
        named.add(f"{{{match.group(1)}}}")
    return sorted(named) + sorted(positional)


class CatalogTests(SimpleTestCase):
    def test_every_string_in_the_code_has_a_spanish_translation(self) -> None:
        """Every msgid that makemessages finds in Python code and templates has a non-empty,
        non-fuzzy msgstr (all plural forms) in the committed Spanish catalog."""
        _header, spanish = parse_po(catalog_path("es"))
        missing = [
            str(entry)
            for key, entry in extracted_messages().items()
            if key not in spanish
            or not spanish[key].translated
            or spanish[key].msgid_plural != entry.msgid_plural
        ]
        self.assertEqual(
            missing,
            [],
            f"{len(missing)} string(s) without a Spanish translation: {MAKE_MESSAGES}, then "
            "translate them in minka/locale/es/LC_MESSAGES/django.po",
        )

    def test_catalogs_list_exactly_the_strings_in_the_code(self) -> None:
        """Both catalogs hold every extracted msgid and no other, so that running makemessages
        again changes nothing but the date."""
        extracted = extracted_messages()
        for language in LANGUAGES:
            with self.subTest(language=language):
                _header, messages = parse_po(catalog_path(language))
                self.assertEqual(
                    {
                        "not in the catalog": sorted(
                            str(extracted[key]) for key in extracted.keys() - messages.keys()
                        ),
                        "no longer in the code": sorted(
                            str(messages[key]) for key in messages.keys() - extracted.keys()
                        ),
                    },
                    {"not in the catalog": [], "no longer in the code": []},
                    f"the {language} catalog is out of date: {MAKE_MESSAGES}",
                )

    def test_headers_name_the_language_and_its_plural_forms(self) -> None:
        """Each catalog names its language, is UTF-8, is not fuzzy and has Spanish/English
        plurals (one form for 1, another for everything else)."""
        for language in LANGUAGES:
            with self.subTest(language=language):
                header, _messages = parse_po(catalog_path(language))
                self.assertEqual(header["Language"], language)
                self.assertEqual(header["Content-Type"], "text/plain; charset=UTF-8")
                self.assertEqual(header["Plural-Forms"], "nplurals=2; plural=(n != 1);")
                self.assertNotIn("fuzzy", header["#flags"])

    def test_spanish_translations_keep_the_placeholders_of_the_source(self) -> None:
        """Each Spanish msgstr has the same %(name)s, {name} and {{ name }} placeholders as its
        msgid (msgid_plural for the plural form)."""
        _header, spanish = parse_po(catalog_path("es"))
        wrong = []
        for entry in spanish.values():
            sources = [entry.msgid] + [entry.msgid_plural or entry.msgid] * (len(entry.msgstrs) - 1)
            for source, msgstr in zip(sources, entry.msgstrs, strict=True):
                if msgstr and placeholders(msgstr) != placeholders(source):
                    wrong.append(f"{source!r} -> {msgstr!r}")
        self.assertEqual(wrong, [], "placeholders differ between msgid and msgstr")

    def test_placeholder_check_tells_every_kind_apart(self) -> None:
        """The placeholder check finds named, positional, format and template placeholders,
        and ignores a literal %%."""
        self.assertEqual(
            placeholders("%(email)s at 100%% of %s, {count} and {{ name }} %(max)d"),
            ["%(email)s", "%(max)d", "{count}", "{{ name }}", "%s"],
        )
        self.assertNotEqual(placeholders("%(email)s"), placeholders("%(correo)s"))
        self.assertNotEqual(placeholders("%(max)d"), placeholders("%(max)s"))


class CompiledCatalogTests(SimpleTestCase):
    def test_compiled_catalogs_match_their_po_files(self) -> None:
        """Each committed .mo holds exactly what msgfmt makes of the committed .po today."""
        msgfmt = shutil.which("msgfmt")
        self.assertIsNotNone(msgfmt, "GNU gettext's msgfmt is needed")
        for language in LANGUAGES:
            with self.subTest(language=language), tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "django.mo"
                result = subprocess.run(  # noqa: S603  (fixed program, paths of our own)
                    [str(msgfmt), "--check-format", "-o", str(fresh), str(catalog_path(language))],
                    check=False,
                    capture_output=True,
                    text=True,
                )
                self.assertEqual(
                    result.returncode, 0, f"msgfmt rejects the catalog:\n{result.stderr}"
                )
                committed, committed_plural = self._load(catalog_path(language, "mo"))
                compiled, compiled_plural = self._load(fresh)
                stale = sorted(
                    repr(key)
                    for key in committed.keys() | compiled.keys()
                    if committed.get(key) != compiled.get(key)
                )
                self.assertEqual(
                    (stale, committed_plural == compiled_plural),
                    ([], True),
                    f"minka/locale/{language}/LC_MESSAGES/django.mo is stale (these messages "
                    f"differ from the .po): {MAKE_MESSAGES}",
                )

    @staticmethod
    def _load(path: Path) -> tuple[dict[object, str], list[int]]:
        """Return the messages of the .mo at ``path`` and its plural index for 0-199."""
        with path.open("rb") as file:
            catalog = gettext.GNUTranslations(file)
        # GNUTranslations keeps what it read in attributes that typeshed does not declare.
        attributes = vars(catalog)
        return dict(attributes["_catalog"]), [attributes["plural"](n) for n in range(200)]


class LanguageTests(TestCase):
    def test_pages_are_in_spanish_without_a_language_cookie(self) -> None:
        """A visitor with no preference gets the Spanish catalog."""
        response = self.client.get("/")
        self.assertContains(response, '<html lang="es">')
        self.assertContains(response, "Saltar al contenido principal")
        self.assertContains(response, "Iniciar sesión")
        self.assertNotContains(response, "Skip to main content")

    def test_the_english_switch_gives_the_english_source(self) -> None:
        """With the language cookie set to English, pages show the English source strings."""
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get("/")
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Skip to main content")
        self.assertContains(response, "Sign in")
        self.assertNotContains(response, "Saltar al contenido principal")

    def test_strings_from_python_code_are_translated(self) -> None:
        """Form labels marked with gettext_lazy in Python show in Spanish."""
        response = self.client.get("/cuenta/signup/")
        self.assertContains(response, "Nombre completo")
        self.assertContains(response, "Tengo 18 años o más.")

    def test_spanish_plurals_use_the_catalog_plural_rule(self) -> None:
        """One day is singular; 0, 2 and a million days are plural, whatever plural rule
        Django's own Spanish catalog uses."""
        singular = "The link works once and expires in %(days)s day."
        plural = "The link works once and expires in %(days)s days."
        with translation.override("es"):
            texts = {n: translation.ngettext(singular, plural, n) % {"days": n} for n in (0, 1, 2)}
            million = translation.ngettext(singular, plural, 1_000_000)
        self.assertEqual(texts[1], "El enlace funciona una sola vez y vence en 1 día.")
        self.assertEqual(texts[2], "El enlace funciona una sola vez y vence en 2 días.")
        self.assertEqual(texts[0], "El enlace funciona una sola vez y vence en 0 días.")
        self.assertEqual(million, "El enlace funciona una sola vez y vence en %(days)s días.")
