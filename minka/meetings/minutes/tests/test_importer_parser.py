"""The structure parser of the minutes importer (``importers.spanish``) and its Spanish
dates (``importers.spanish.dates``).

The main test reads every minutes file in ``fixtures/minutes`` and compares what the parser
finds with the ``.json`` written by hand next to it. The other tests pin each convention of
the issue on a small text of its own.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import SimpleTestCase, override_settings
from django.utils import translation

from minka.meetings.minutes.importers.spanish import dates, parse_attendee, parse_minutes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "minutes"
SEED = FIXTURES / "seed_2026_03.txt"
# Each fixture is parsed with year=2026, except those listed here (the "del presente"
# minutes are read without --year, on a fixed day, to show the assumed year).
OPTIONS: dict[str, dict[str, Any]] = {
    "ayuda_memoria_datos_personales": {"year": None, "today": dt.date(2026, 7, 1)},
}
TODAY = dt.date(2026, 11, 28)


def read_fixture(path: Path) -> str:
    """The text of a fixture: ``*.cp1252.txt`` files are stored in Windows-1252."""
    encoding = "cp1252" if path.name.endswith(".cp1252.txt") else "utf-8"
    return path.read_bytes().decode(encoding)


def parse(text: str, **options: Any) -> dict[str, Any]:
    options.setdefault("year", 2026)
    options.setdefault("today", TODAY)
    with translation.override("en"):
        return parse_minutes(text, **options).to_dict()


def fixture_names() -> list[str]:
    return sorted(path.name for path in FIXTURES.glob("*.txt"))


def test_there_are_the_seed_and_at_least_six_fixtures_of_our_own() -> None:
    """Every minutes fixture has its expected JSON, one of them is in Windows-1252."""
    names = fixture_names()
    assert "seed_2026_03.txt" in names
    assert len(names) >= 7
    assert any(name.endswith(".cp1252.txt") for name in names)
    for name in names:
        assert (FIXTURES / name.replace(".txt", ".json")).is_file(), name


def test_the_cp1252_fixture_is_not_utf8() -> None:
    """The Windows-1252 fixture really is stored in that encoding (accents, “”, –, •)."""
    for path in FIXTURES.glob("*.cp1252.txt"):
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", fixture_names())
def test_each_fixture_parses_to_its_hand_written_json(name: str) -> None:
    """``to_dict()`` of each fixture equals the JSON written by reading its text."""
    path = FIXTURES / name
    stem = name.removesuffix(".txt")
    expected = json.loads(path.with_name(f"{stem}.json").read_text(encoding="utf-8"))
    options = OPTIONS.get(stem.removesuffix(".cp1252"), {})
    assert parse(read_fixture(path), **options) == expected


def test_fixtures_parse_the_same_with_windows_line_breaks_and_no_blank_lines() -> None:
    """PDF extraction drops blank lines and Windows files end lines in CRLF: neither
    changes the structure."""
    for name in fixture_names():
        text = read_fixture(FIXTURES / name)
        options = OPTIONS.get(name.removesuffix(".txt").removesuffix(".cp1252"), {})
        packed = "\n".join(line for line in text.splitlines() if line.strip())
        assert parse(packed, **options) == parse(text, **options), name
        crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
        assert parse(crlf, **options) == parse(text, **options), name


class SeedTests(SimpleTestCase):
    """The first meeting's minutes, as the issue states them."""

    def setUp(self) -> None:
        self.parsed = parse(SEED.read_text(encoding="utf-8"), year=2026)

    def test_date_title_and_next_meeting(self) -> None:
        self.assertEqual(self.parsed["date"], "2026-03-16")
        self.assertEqual(
            self.parsed["title"],
            "Desarrollo de las TIC en el Perú: aportes desde la sociedad civil",
        )
        self.assertEqual(self.parsed["next_meeting"]["date"], "2026-04-16")

    def test_one_presentation_by_alfredo_astudillo_with_seven_points(self) -> None:
        (presentation,) = self.parsed["presentations"]
        self.assertEqual(presentation["presenter"], "Alfredo Astudillo")
        self.assertEqual(len(presentation["points"]), 7)
        self.assertEqual(
            presentation["points"][0],
            "Una visión del desarrollo digital en el país y la importancia de la participación "
            "de las organizaciones de la sociedad civil",
        )

    def test_eight_interventions_and_two_agreements(self) -> None:
        self.assertEqual(len(self.parsed["interventions"]), 8)
        self.assertEqual(len(self.parsed["agreements"]), 2)
        self.assertEqual(
            self.parsed["agreements"][0]["text"],
            "Se acordó en compartir información de las presentaciones, directorio de los "
            "asistentes y minuta de la reunión en un repositorio virtual.",
        )

    def test_without_year_the_current_year_is_assumed_and_said(self) -> None:
        parsed = parse(SEED.read_text(encoding="utf-8"), year=None, today=dt.date(2027, 1, 5))
        self.assertEqual(parsed["date"], "2027-03-16")
        self.assertIn(
            "The year of the meeting is not written; 2027 was assumed.", parsed["warnings"]
        )


class DatesTests(SimpleTestCase):
    def test_written_dates(self) -> None:
        cases = {
            "El 16 de marzo del presente": (16, 3, None, True),
            "Lima, 20 de abril de 2026": (20, 4, 2026, False),
            "1° de mayo del 2026": (1, 5, 2026, False),
            "15 DE SETIEMBRE DEL AÑO 2026": (15, 9, 2026, False),
            "16 de marzo": (16, 3, None, False),
        }
        for text, (day, month, year, present) in cases.items():
            (found,) = dates.find_dates(text)
            self.assertEqual(
                (found.day, found.month, found.year, found.present), (day, month, year, present)
            )

    def test_numeric_dates_are_day_first(self) -> None:
        for text in ("16/03/2026", "16-03-2026", "16.03.2026", "16/03/26", "2026-03-16"):
            (found,) = dates.find_dates(text)
            self.assertEqual(found.resolve(1999), dt.date(2026, 3, 16), text)

    def test_not_dates(self) -> None:
        for text in ("ACTA N° 07-2026", "el 45 % de 2026", "1.5 millones", "13/13/2026"):
            self.assertEqual(dates.find_dates(text), [], text)
        (impossible,) = dates.find_dates("31 de febrero de 2026")
        self.assertIsNone(impossible.resolve(2026))

    def test_times(self) -> None:
        cases = {
            "18 de mayo de 2026, 10:00 horas": dt.time(10, 0),
            "a las 10 a.m.": dt.time(10, 0),
            "3:30 pm": dt.time(15, 30),
            "a las 15h": dt.time(15, 0),
            "15 h": dt.time(15, 0),
            "a las 3 de la tarde": dt.time(15, 0),
            "12 am": dt.time(0, 0),
            "a las 9.30 horas": dt.time(9, 30),
        }
        for text, expected in cases.items():
            found = dates.find_time(text)
            self.assertIsNotNone(found, text)
            assert found is not None
            self.assertEqual(found.time, expected, text)

    def test_numbers_that_are_not_times(self) -> None:
        for text in ("dentro de 15 días", "16.03.2026", "el 2026", "15 hectáreas", "25:00"):
            self.assertIsNone(dates.find_time(text), text)

    def test_relative_phrases_count_from_the_meeting(self) -> None:
        base = dt.date(2026, 3, 16)
        cases = {
            "dentro de un mes": dt.date(2026, 4, 16),
            "en dos semanas": dt.date(2026, 3, 30),
            "dentro de 15 días": dt.date(2026, 3, 31),
            "la próxima semana": dt.date(2026, 3, 23),
            "el próximo mes": dt.date(2026, 4, 16),
            "dentro de tres meses": dt.date(2026, 6, 16),
        }
        for text, expected in cases.items():
            found = dates.find_relative(text)
            assert found is not None, text
            self.assertEqual(found.after(base), expected, text)

    def test_one_month_is_the_same_day_clamped_to_the_month_end(self) -> None:
        self.assertEqual(dates.add_months(dt.date(2026, 1, 31), 1), dt.date(2026, 2, 28))
        self.assertEqual(dates.add_months(dt.date(2028, 1, 31), 1), dt.date(2028, 2, 29))
        self.assertEqual(dates.add_months(dt.date(2026, 12, 15), 1), dt.date(2027, 1, 15))


@override_settings(LANGUAGE_CODE="en")
class MeetingDateTests(SimpleTestCase):
    def test_each_way_of_writing_the_date(self) -> None:
        cases = {
            "El 16 de marzo del presente se realizó la reunión.": "2026-03-16",
            "Lima, 20 de abril de 2026": "2026-04-20",
            "Fecha: 5 de junio de 2026": "2026-06-05",
            "FECHA 16/03/2026": "2026-03-16",
            "16/03/2026": "2026-03-16",
            "fecha:   Lunes 16 de marzo de 2026": "2026-03-16",
        }
        for text, expected in cases.items():
            self.assertEqual(parse(text, year=2026)["date"], expected, text)

    def test_place_from_the_date_line_or_the_lugar_line(self) -> None:
        self.assertEqual(
            parse("San Isidro, Lima, 20 de abril de 2026")["place"], "San Isidro, Lima"
        )
        self.assertEqual(parse("LUGAR: Casa de la Cultura.")["place"], "Casa de la Cultura")
        self.assertEqual(parse("Lugar y fecha: Huancayo, 3 de marzo de 2026")["place"], "Huancayo")

    def test_a_fecha_line_wins_over_a_date_in_the_text(self) -> None:
        parsed = parse("El 2 de marzo de 2026 se convocó la reunión.\nFecha: 5 de marzo de 2026")
        self.assertEqual(parsed["date"], "2026-03-05")
        self.assertIn("El 2 de marzo de 2026 se convocó la reunión.", parsed["notes"])
        self.assertIn("more than one date", parsed["warnings"][-1])

    def test_no_date_is_a_warning(self) -> None:
        parsed = parse("Acuerdos\n- Compartir la minuta.")
        self.assertIsNone(parsed["date"])
        self.assertEqual(
            parsed["warnings"],
            [
                "No date of the meeting was found.",
                "No place of the meeting was found.",
                "No list of attendees was found.",
                "No next meeting was found.",
            ],
        )

    def test_an_impossible_date_is_a_warning(self) -> None:
        parsed = parse("Fecha: 31 de febrero de 2026")
        self.assertIsNone(parsed["date"])
        self.assertIn("“31 de febrero de 2026” is not a valid date.", parsed["warnings"])


@override_settings(LANGUAGE_CODE="en")
class TitleTests(SimpleTestCase):
    def test_a_quoted_name_or_an_acta_line(self) -> None:
        self.assertEqual(
            parse('Se realizó el taller "Radio comunitaria y datos abiertos".')["title"],
            "Radio comunitaria y datos abiertos",
        )
        self.assertEqual(
            parse("MINUTA DEL GRUPO DE ESPECTRO")["title"], "MINUTA DEL GRUPO DE ESPECTRO"
        )

    def test_a_generic_heading_is_not_a_title(self) -> None:
        parsed = parse("ACTA DE REUNIÓN\nFecha: 5 de junio de 2026")
        self.assertIsNone(parsed["title"])
        self.assertEqual(parsed["notes"], [])

    def test_a_short_quotation_is_not_a_title_unless_named_as_one(self) -> None:
        self.assertIsNone(parse('La asociación "Red Señal" convocó.')["title"])
        self.assertEqual(parse('La reunión denominada "Red Señal".')["title"], "Red Señal")

    def test_a_wrapped_title_keeps_a_space_when_the_break_is_not_a_lost_colon(self) -> None:
        cases = {
            # the first part ends in a connective
            "El taller “Hacia una política nacional de\ngobierno digital abierto”.": (
                "Hacia una política nacional de gobierno digital abierto"
            ),
            # the second part starts with a connective
            "El taller “Desarrollo de las TIC\nen el Perú de hoy”.": (
                "Desarrollo de las TIC en el Perú de hoy"
            ),
            # the second part is too short to be a subtitle
            "El taller “Propuestas para la agenda digital\nnacional”.": (
                "Propuestas para la agenda digital nacional"
            ),
        }
        for text, title in cases.items():
            parsed = parse(text)
            self.assertEqual(parsed["title"], title)
            self.assertFalse(any("colon" in warning for warning in parsed["warnings"]))


@override_settings(LANGUAGE_CODE="en")
class SectionTests(SimpleTestCase):
    def test_headings_whatever_the_case_accents_colon_or_number(self) -> None:
        for heading in ("Acuerdos", "ACUERDOS:", "acuerdos", "4. ACUERDOS", "IV. Acuerdos:"):
            parsed = parse(f"{heading}\n- Compartir la minuta.")
            self.assertEqual(parsed["agreements"][0]["text"], "Compartir la minuta.", heading)
        for heading in ("ORDEN DEL DÍA", "Orden del dia:", "Agenda"):
            self.assertEqual(parse(f"{heading}\n1) Bienvenida")["agenda"], ["Bienvenida"])

    def test_every_list_marker(self) -> None:
        text = "Intervenciones\n- uno.\n• dos.\n* tres.\n1. cuatro.\n2) cinco.\na) seis.\nB) siete."
        self.assertEqual(
            parse(text)["interventions"],
            ["uno.", "dos.", "tres.", "cuatro.", "cinco.", "seis.", "siete."],
        )

    def test_wrapped_items_join_with_one_space_even_across_blank_lines(self) -> None:
        text = "Temas tratados\n- La brecha digital   \n\n\nen zonas rurales.\n- Otro tema."
        self.assertEqual(
            parse(text)["interventions"], ["La brecha digital en zonas rurales.", "Otro tema."]
        )

    def test_an_agenda_item_named_like_a_section_is_an_item(self) -> None:
        text = "AGENDA\n1. Bienvenida.\n2. Acuerdos.\nACUERDOS\n1. Publicar el acta."
        parsed = parse(text)
        self.assertEqual(parsed["agenda"], ["Bienvenida.", "Acuerdos."])
        self.assertEqual(parsed["agreements"][0]["text"], "Publicar el acta.")

    def test_an_introduction_opens_its_section(self) -> None:
        parsed = parse("Se acordó lo siguiente:\n- Publicar el acta.")
        self.assertEqual(parsed["agreements"][0]["text"], "Publicar el acta.")
        self.assertEqual(parsed["notes"], [])

    def test_a_paragraph_after_a_list_goes_to_notes(self) -> None:
        text = "Acuerdos\n- Publicar el acta.\nLa coordinación enviará el enlace."
        parsed = parse(text)
        self.assertEqual(len(parsed["agreements"]), 1)
        self.assertEqual(parsed["notes"], ["La coordinación enviará el enlace."])

    def test_a_closing_line_and_signatures_go_to_notes(self) -> None:
        text = "Acuerdos\n- Publicar el acta.\nSiendo las 12:30 se levantó la sesión.\nAna Núñez"
        self.assertEqual(
            parse(text)["notes"], ["Siendo las 12:30 se levantó la sesión.", "Ana Núñez"]
        )


@override_settings(LANGUAGE_CODE="en")
class PresenterTests(SimpleTestCase):
    def presenter(self, text: str) -> tuple[str | None, str | None, list[str]]:
        (presentation,) = parse(text)["presentations"]
        return presentation["presenter"], presentation["organization"], presentation["points"]

    def test_each_way_of_naming_the_presenter(self) -> None:
        cases = {
            "Presentación del Sr. Alfredo Astudillo quien planteó:\n- Uno.": (
                "Alfredo Astudillo",
                None,
            ),
            "La Sra. Rosa Mamani presentó los avances:\n- Uno.": ("Rosa Mamani", None),
            "PRESENTACIÓN DEL DR. JUAN DE LA CRUZ (OSIPTEL)\n- Uno.": (
                "Juan de la Cruz",
                "OSIPTEL",
            ),
            "Presentación de la Ing. Ana Ruiz de la Asociación Red Rural quien expuso:\n- Uno.": (
                "Ana Ruiz",
                "Asociación Red Rural",
            ),
            "Presentación de Rosa Mamani Condori:\n- Uno.": ("Rosa Mamani Condori", None),
            "Expositora: Dra. Ana Ruiz – Hiperderecho\n- Uno.": ("Ana Ruiz", "Hiperderecho"),
        }
        for text, (name, organization) in cases.items():
            self.assertEqual(self.presenter(text), (name, organization, ["Uno."]), text)

    def test_an_unrecognised_organization_stays_out_and_the_line_goes_to_notes(self) -> None:
        parsed = parse("Presentación del Sr. Juan Pérez de la zona norte quien planteó:\n- Uno.")
        self.assertEqual(parsed["presentations"][0]["presenter"], "Juan Pérez")
        self.assertIsNone(parsed["presentations"][0]["organization"])
        self.assertEqual(len(parsed["notes"]), 1)

    def test_a_point_after_the_colon(self) -> None:
        self.assertEqual(
            self.presenter("Presentación del Sr. Luis Huamán: la red dorsal está subutilizada."),
            ("Luis Huamán", None, ["la red dorsal está subutilizada."]),
        )

    def test_a_plain_intervention_is_not_a_presentation(self) -> None:
        parsed = parse("Intervenciones\n- La Sra. Ana Ruiz presentó una queja: falta internet.")
        self.assertEqual(parsed["presentations"], [])
        self.assertEqual(len(parsed["interventions"]), 1)


@override_settings(LANGUAGE_CODE="en")
class AttendeeTests(SimpleTestCase):
    def test_each_pattern(self) -> None:
        cases = {
            "Ana Núñez (Asociación Señal)": ("Ana Núñez", "Asociación Señal"),
            "Ana Núñez – Asociación Señal": ("Ana Núñez", "Asociación Señal"),
            "Ana Núñez - Asociación Señal": ("Ana Núñez", "Asociación Señal"),
            "Ana Núñez — Asociación Señal": ("Ana Núñez", "Asociación Señal"),
            "Ana Núñez, Asociación Señal": ("Ana Núñez", "Asociación Señal"),
            "Ing. José Peña-Albela": ("José Peña-Albela", None),
            "MARÍA DE LOS ÁNGELES QUISPE (CONCORTV)": ("María de los Ángeles Quispe", "CONCORTV"),
        }
        for text, expected in cases.items():
            attendee = parse_attendee(text)
            assert attendee is not None, text
            self.assertEqual((attendee.name, attendee.organization), expected, text)

    def test_not_attendees(self) -> None:
        for text in ("Representantes de 12 organizaciones", "se unieron más tarde", "Ana"):
            self.assertIsNone(parse_attendee(text), text)

    def test_a_line_that_is_not_an_attendee_is_a_warning_and_a_note(self) -> None:
        parsed = parse("Asistentes\n- Ana Núñez (Asociación Señal)\n- 12 personas más")
        self.assertEqual(len(parsed["attendees"]), 1)
        self.assertEqual(parsed["notes"], ["12 personas más"])
        self.assertIn("“12 personas más” does not look like an attendee", parsed["warnings"][-1])

    def test_several_attendees_on_one_line(self) -> None:
        parsed = parse("Asistentes: Ana Núñez (Señal), José Peña (CONCORTV) y Rosa Mamani (ISOC)")
        self.assertEqual(
            [a["name"] for a in parsed["attendees"]], ["Ana Núñez", "José Peña", "Rosa Mamani"]
        )


@override_settings(LANGUAGE_CODE="en")
class AgreementTests(SimpleTestCase):
    def agreement(self, item: str) -> dict[str, Any]:
        parsed = parse(f"Fecha: 16 de marzo de 2026\nAcuerdos\n{item}")
        return dict(parsed["agreements"][0])

    def test_responsable_and_plazo_become_fields(self) -> None:
        expected = {"text": "Enviar la carta.", "responsible": "Ana Núñez", "due": "2026-04-30"}
        for item in (
            "- Enviar la carta. Responsable: Ana Núñez. Plazo: 30 de abril de 2026.",
            "- Enviar la carta (responsable: Ana Núñez; plazo: 30/04/2026).",
            "- Enviar la carta.\nResponsable: Ana Núñez\nPlazo: 30 de abril",
            "1. Enviar la carta – RESPONSABLE: Ana Núñez – PLAZO: 30/04/26.",
        ):
            self.assertEqual(self.agreement(item), expected, item)

    def test_a_relative_deadline_counts_from_the_meeting(self) -> None:
        self.assertEqual(
            self.agreement("- Enviar la carta. Plazo: en dos semanas.")["due"], "2026-03-30"
        )

    def test_a_deadline_that_is_not_a_date_stays_in_the_text_with_a_warning(self) -> None:
        parsed = parse("Acuerdos\n- Enviar la carta. Plazo: cuanto antes.")
        self.assertEqual(parsed["agreements"][0]["text"], "Enviar la carta. Plazo: cuanto antes.")
        self.assertIsNone(parsed["agreements"][0]["due"])
        self.assertIn("The deadline “cuanto antes” is not a date", parsed["warnings"][-1])

    def test_a_deadline_without_year_after_the_meeting_rolls_to_next_year(self) -> None:
        parsed = parse("Fecha: 10 de diciembre de 2026\nAcuerdos\n- Informe. Plazo: 15 de enero.")
        self.assertEqual(parsed["agreements"][0]["due"], "2027-01-15")


@override_settings(LANGUAGE_CODE="en")
class NextMeetingTests(SimpleTestCase):
    def next_meeting(self, text: str, **options: Any) -> dict[str, Any]:
        parsed = parse(f"Fecha: 16 de marzo de 2026\n{text}", **options)
        return dict(parsed["next_meeting"])

    def test_an_absolute_date_with_a_time(self) -> None:
        cases = {
            "Próxima reunión: 18 de mayo de 2026, 10:00 horas": ("2026-05-18", "10:00"),
            "PRÓXIMA SESIÓN\n18/05/2026 a las 3:30 pm": ("2026-05-18", "15:30"),
            "Próxima reunión\nEl 18 de mayo, 15h.": ("2026-05-18", "15:00"),
            "Próxima reunión: 2 de enero, 10 a.m.": ("2027-01-02", "10:00"),
        }
        for text, (date, time) in cases.items():
            found = self.next_meeting(text)
            self.assertEqual((found["date"], found["time"]), (date, time), text)

    def test_a_relative_phrase_and_the_text_as_written(self) -> None:
        found = self.next_meeting("Acuerdos\n-   La próxima reunión será   en dos semanas.")
        self.assertEqual(
            found,
            {"date": "2026-03-30", "time": None, "text": "La próxima reunión será en dos semanas."},
        )

    def test_a_relative_phrase_without_a_meeting_date_is_a_warning(self) -> None:
        parsed = parse("Acuerdos\n- La próxima reunión será dentro de un mes.")
        self.assertIsNone(parsed["next_meeting"]["date"])
        self.assertIn("“dentro de un mes”", parsed["warnings"][-1])

    def test_a_next_meeting_without_a_date_is_a_warning(self) -> None:
        parsed = parse("Fecha: 16 de marzo de 2026\nPróxima reunión: por confirmar.")
        self.assertEqual(parsed["next_meeting"]["text"], "por confirmar.")
        self.assertIn("could not be read", parsed["warnings"][-1])


@override_settings(LANGUAGE_CODE="en")
class RobustnessTests(SimpleTestCase):
    def test_odd_inputs_do_not_raise(self) -> None:
        for text in ("", "\n\n", "\x00\x1c\u2028", "“", "(((", "1.", "- ", "Acuerdos\nPlazo:"):
            parsed = parse(text)
            self.assertNotIn("could not be read; the text was kept", " ".join(parsed["warnings"]))

    def test_a_megabyte_of_hostile_text_is_parsed(self) -> None:
        """Long lines of quotes, brackets, digits and date-like words finish (no timing:
        the benchmark measures it) and keep every word."""
        for chunk in ("“a ", "(", "1 de ", "16/03/", "Sr. Ana ", "de la ", "a las 1"):
            text = chunk * (1_000_000 // len(chunk))
            parsed = parse(text)
            self.assertEqual(len(parsed["notes"]), 1, chunk)

    def test_works_without_today(self) -> None:
        parsed = parse_minutes("El 16 de marzo del presente se realizó la reunión.")
        self.assertEqual(parsed.date, dt.date(dt.date.today().year, 3, 16))  # noqa: DTZ011
