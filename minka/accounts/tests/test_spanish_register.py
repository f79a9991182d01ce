"""One register: Minka speaks "usted" in Spanish, in its own strings and in allauth's.

allauth's Spanish catalog mixes "tú" and "usted"; the strings of it that show in Minka's pages
are worded again in Minka's catalog (:mod:`minka.accounts.allauth_strings`), which Django reads
after every app's.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.test import SimpleTestCase, override_settings
from django.utils import translation

import minka
from minka.accounts.allauth_strings import MESSAGES

CATALOG = Path(minka.__file__).resolve().parent / "locale" / "es" / "LC_MESSAGES" / "django.mo"

# Words only "tú" uses: pronouns and possessives, verb forms of the second person, and the
# imperatives allauth's catalog used, those that are also nouns or third persons ("descarga",
# "utiliza") only at the start of a sentence and followed by an article.
TU_MARKERS = re.compile(
    r"\b(?:tú|tu|tus|te|ti|contigo|tuy[oa]s?|puedes|tienes|debes|quieres|eres|estás|has"
    r"|hayas|deseas|decides|inicies|necesitas|olvidaste|recibiste|vete|ten|haz|guárdalos"
    r"|introdúcelo|inténtalo|envíame|regístrate|regítrate|asegúrate|confíes)\b"
    r"|(?:^|[.:¿¡]\s*)(?:ingresa|introduce|descarga|utiliza|selecciona|comprueba|escanea"
    r"|guarda|revisa|elige|escribe|usa|confirma)\s+(?:el|la|los|las|un|una|solo)\b",
    re.IGNORECASE,
)


def tu_markers(text: str) -> list[str]:
    return [match.group(0).strip(" .:¿¡") for match in TU_MARKERS.finditer(text)]


def compiled_messages(path: Path) -> dict[str, str]:
    """msgid → msgstr of a compiled catalog (each plural form on its own)."""
    with path.open("rb") as catalog:
        entries = gettext.GNUTranslations(catalog)._catalog  # type: ignore[attr-defined]
    messages: dict[str, str] = {}
    for key, value in entries.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            messages[f"{key!r}"] = value
    return messages


class SpanishRegisterTests(SimpleTestCase):
    def test_markers_find_tu_and_spare_usted(self) -> None:
        """The check finds the "tú" allauth shipped and leaves "usted" (and the nouns and third
        persons that look like imperatives) alone, so that it can fail and does not cry wolf."""
        for text in (
            "¿Estás seguro de que deseas eliminar esta clave?",
            "Has añadido una clave.",
            "Actualmente no tienes ninguna dirección configurada.",
            "Para confirmar que esto es correcto, vete a %(url)s",
            "Descarga los códigos",
            "Aún puedes cambiar tu dirección.",
            "Ten paciencia, estás enviando muchas solicitudes.",
            "Guárdalos en un lugar seguro.",
        ):
            with self.subTest(text):
                self.assertNotEqual(tu_markers(text), [])
        for text in (
            "¿Está seguro de que desea eliminar esta clave?",
            "Descargar los códigos",
            "La descarga de sus datos está lista.",
            "Se utiliza la dirección que usted indicó.",
            "El acta se envía a las personas que la revisan.",
            "Guárdelos en un lugar seguro: no se volverán a mostrar.",
            "Si tiene alguna dificultad, contáctenos.",
        ):
            with self.subTest(text):
                self.assertEqual(tu_markers(text), [])

    def test_minka_catalog_speaks_usted(self) -> None:
        """No msgstr of Minka's compiled Spanish catalog uses "tú"."""
        found = {
            msgid: tu_markers(msgstr)
            for msgid, msgstr in compiled_messages(CATALOG).items()
            if tu_markers(msgstr)
        }
        self.assertEqual(found, {})

    def test_allauth_strings_shown_in_minka_speak_usted(self) -> None:
        """Each allauth string listed in ``allauth_strings`` reads in "usted" in a Spanish page,
        because Minka's catalog translates it (it passes once the catalogs are merged)."""
        own = compiled_messages(CATALOG)
        with translation.override("es"):
            for msgid in MESSAGES:
                with self.subTest(msgid):
                    self.assertIn(repr(msgid), own, "not in Minka's catalog")
                    self.assertEqual(tu_markers(translation.gettext(msgid)), [])

    def test_minka_catalog_wins_over_allauth(self) -> None:
        """Django merges ``LOCALE_PATHS`` after the apps' catalogs: a msgid in a catalog there
        is read from it, not from allauth's (here with a throwaway catalog)."""
        msgfmt = shutil.which("msgfmt")
        self.assertIsNotNone(msgfmt, "GNU gettext's msgfmt is needed")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "es" / "LC_MESSAGES"
            folder.mkdir(parents=True)
            (folder / "django.po").write_text(
                'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                'msgid "Download codes"\nmsgstr "Descargar los códigos (prueba)"\n',
                encoding="utf-8",
            )
            subprocess.run(  # noqa: S603  (fixed program, paths of our own)
                [str(msgfmt), "-o", str(folder / "django.mo"), str(folder / "django.po")],
                check=True,
            )
            with override_settings(LOCALE_PATHS=[Path(tmp)]), translation.override("es"):
                self.assertEqual(
                    translation.gettext("Download codes"), "Descargar los códigos (prueba)"
                )
            with translation.override("es"):
                self.assertNotEqual(
                    translation.gettext("Download codes"), "Descargar los códigos (prueba)"
                )
