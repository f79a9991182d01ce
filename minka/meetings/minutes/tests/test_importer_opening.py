"""The opening of real minutes: which date is the meeting's, where it was held, and lines
that a PDF's layout wrapped. Examples are invented, in the forms real minutes use."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.importers.spanish.lines import read_units, wrap_width

TODAY = dt.date(2026, 12, 1)


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_minutes(text, today=TODAY)


class MeetingDateTests(SimpleTestCase):
    def test_dates_of_other_meetings_are_not_the_meetings(self) -> None:
        """A call to the next meeting printed above the minutes, and the date of earlier
        minutes approved, come before the meeting's own date and are passed over."""
        for text, date in (
            (
                "Se convoca a la próxima asamblea para el 9 de diciembre de 2021 a las 18 hs.\n"
                "ACTA DE LA ASAMBLEA 12 REALIZADA EL 10/11/2021 EN EL Club Social Los Álamos.\n",
                dt.date(2021, 11, 10),
            ),
            (
                "SESIÓN ORDINARIA DEL CONSEJO\n\n"
                "Se aprobó el acta de la sesión anterior, de fecha 3 de febrero de 2015.\n\n"
                "En la ciudad de Tacna, a los cinco días del mes de marzo de dos mil quince, se "
                "reunieron los consejeros.\n",
                dt.date(2015, 3, 5),
            ),
        ):
            with self.subTest(text):
                self.assertEqual(parse(text).date, date)

    def test_the_meetings_date_beats_a_publication_date_above_it(self) -> None:
        text = "jueves, 4 de febrero de 2021\n\nActa de la Asamblea del 7 de octubre de 2020\n"
        self.assertEqual(parse(text).date, dt.date(2020, 10, 7))

    def test_a_date_broken_over_lines_in_a_title_is_read(self) -> None:
        text = (
            "ACTA DE LA SESIÓN ORDINARIA DEL PLENO,\n"
            "CORRESPONDIENTE AL DIA QUINCE DE MAYO DE DOS MIL\n"
            "TRECE.\n"
            "ASISTENTES:\n"
        )
        self.assertEqual(parse(text).date, dt.date(2013, 5, 15))

    def test_a_date_with_its_year_wins_over_the_same_day_without_one(self) -> None:
        self.assertEqual(parse("Acta 12 de Abril\n\n12-04-2023\n").date, dt.date(2023, 4, 12))

    def test_a_day_and_month_without_de(self) -> None:
        self.assertEqual(parse("Acta de la reunión - 28 abril 2012\n").date, dt.date(2012, 4, 28))

    def test_siendo_las_that_opens_the_session_is_not_its_closing(self) -> None:
        text = "ACTA\nSiendo las 10:00 hs. del día 3 de junio de 2019 se da inicio a la sesión.\n"
        parsed = parse(text)
        self.assertEqual(parsed.date, dt.date(2019, 6, 3))


class PlaceTests(SimpleTestCase):
    def test_venue_and_city_of_the_opening_sentence(self) -> None:
        text = (
            "En la Villa de Alcolea, siendo las diez horas del día dos de mayo de dos mil "
            "veinte, se reunieron en el Salón de Plenos del Ayuntamiento los señores concejales."
        )
        self.assertEqual(parse(text).place, "Salón de Plenos del Ayuntamiento, Alcolea")

    def test_a_town_named_right_after_en(self) -> None:
        text = "En Vicuña a 4 días del mes de abril del 2022 se da inicio a la sesión."
        self.assertEqual(parse(text).place, "Vicuña")

    def test_a_meeting_held_online(self) -> None:
        for sentence, place in (
            ("La sesión se realizó en modalidad virtual.", "Virtual"),
            ("Se reunió la junta vía Zoom el 3 de mayo de 2021.", "Zoom"),
            ("Asamblea general (edición en línea) del 3 de mayo de 2021.", "En línea"),
        ):
            with self.subTest(sentence):
                self.assertEqual(parse(sentence).place, place)

    def test_an_aside_is_not_an_online_meeting(self) -> None:
        self.assertIsNone(parse("Reunión (por ejemplo: virtual)\n\n12 de mayo de 2026").place)


class WrappedLinesTests(SimpleTestCase):
    LINE = "palabra " * 9

    def test_the_width_of_a_layout_that_wraps(self) -> None:
        text = "\n".join([self.LINE.strip()] * 10 + ["corta"])
        self.assertEqual(wrap_width(text), len(self.LINE.strip()) * 9 // 10)

    def test_typed_lines_of_any_length_have_no_width(self) -> None:
        text = "\n".join("x" * n for n in (5, 90, 12, 140, 33, 61, 8, 200, 17, 75))
        self.assertIsNone(wrap_width(text))

    def test_a_wrapped_sentence_is_one_unit_whatever_the_case(self) -> None:
        """Each sentence of four wrapped lines (its second line starts in lower case, its
        third and fourth with capitals) is one unit."""
        lines = [
            "En la sala de sesiones del Consejo Regional siendo las diez horas de la",
            "mañana se reunieron los consejeros regionales Ana Ruiz, Carlos Pérez y",
            "Elena Soto, con el Presidente Regional Mario Díaz Vega y el Secretario",
            "General Julio Tello, para tratar la agenda que sigue en la presente acta.",
        ] * 3
        units = read_units("\n".join(lines))
        self.assertEqual([len(unit.parts) for unit in units], [4, 4, 4])


class PlaceAcrossParagraphsTests(SimpleTestCase):
    def test_a_city_and_the_venue_named_a_few_lines_later(self) -> None:
        """A narrow layout breaks the opening sentence: the city, a date in capitals, then
        the venue; the place is both."""
        text = (
            "ACTA DE LA SESIÓN ORDINARIA DEL PLENO\n"
            "En la Villa de Alcañiz a\n"
            "QUINCE DE MAYO DE DOS MIL\n"
            "TRECE,\n"
            "siendo las 19.00 horas, se reunieron\n"
            "en la Casa Consistorial, bajo la presidencia del Alcalde.\n"
        )
        self.assertEqual(parse(text).place, "Casa Consistorial, Alcañiz")

    def test_a_venue_from_which_the_meeting_was_held(self) -> None:
        text = "Vía Meet y desde el salón de actos del Colegio San Luis, a las 18:30 h, se celebra."
        self.assertEqual(parse(text).place, "Salón de actos del Colegio San Luis")

    def test_the_minutes_heading_below_a_call_to_the_next_meeting(self) -> None:
        text = (
            "Se convoca a la próxima asamblea para el 9 de diciembre de 2021.\n"
            "ORDEN DEL DÍA\n1) Aprobación del acta\n2) Informes\n\n"
            "ACTA DE LA ASAMBLEA 12 REALIZADA EL 10/11/2021 EN EL Club Atlético Sur, Paz 12.\n"
        )
        parsed = parse(text)
        self.assertEqual((parsed.date, parsed.place), (dt.date(2021, 11, 10), "Club Atlético Sur"))


class MorePlacesTests(SimpleTestCase):
    def test_places_of_villages_and_public_buildings(self) -> None:
        for sentence, place in (
            (
                "En el centro poblado de Pampa Grande, a los dos días de mayo.",
                "Centro poblado de Pampa Grande",
            ),
            ("En la comunidad campesina de Huayllay, siendo las 9 horas.", "Huayllay"),
            (
                "Reunidos en la Municipalidad Distrital de Sayán, siendo las 10 horas.",
                "Municipalidad Distrital de Sayán",
            ),
            (
                "Se reunieron en el Paraninfo de la Universidad, a las 10 horas.",
                "Paraninfo de la Universidad",
            ),
        ):
            with self.subTest(sentence):
                self.assertEqual(parse(sentence).place, place)

    def test_more_ways_of_meeting_online(self) -> None:
        for sentence, place in (
            ("La asamblea se realizó de manera remota.", "Remota"),
            ("Sesión celebrada vía Microsoft Teams.", "Microsoft Teams"),
            ("Reunión a distancia del comité.", "A distancia"),
        ):
            with self.subTest(sentence):
                self.assertEqual(parse(sentence).place, place)


class AbbreviationsAndCouncilsTests(SimpleTestCase):
    def test_an_abbreviated_month_with_its_year(self) -> None:
        for text, date in (
            ("08 dic.2018\nReunión de la comunidad.", dt.date(2018, 12, 8)),
            ("Acta del 12 Set. 2019", dt.date(2019, 9, 12)),
            ("Fecha: 3-feb-2020", dt.date(2020, 2, 3)),
        ):
            with self.subTest(text):
                self.assertEqual(parse(text).date, date)

    def test_an_abbreviation_without_a_year_is_no_date(self) -> None:
        self.assertIsNone(parse("Llegamos al mar 3 veces.").date)

    def test_the_councils_town_when_no_place_is_written(self) -> None:
        text = "SESIÓN ORDINARIA DEL CONCEJO MUNICIPAL DE TARRAZÚ\n\n5 de julio de 2020\n"
        self.assertEqual(parse(text).place, "Tarrazú")

    def test_a_written_place_wins_over_the_councils_town(self) -> None:
        text = "CONCEJO MUNICIPAL DE TARRAZÚ\nLugar: Salón comunal de San Marcos\n"
        self.assertEqual(parse(text).place, "Salón comunal de San Marcos")
