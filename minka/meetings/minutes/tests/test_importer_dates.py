"""Dates, times and spans of time written in words (issue 17, patterns 5 and 6), on phrases
taken from real minutes (Peruvian, Spanish, Mexican, Honduran and Colombian councils and
associations), and what must not be read as a date.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from minka.meetings.minutes.importers.spanish import dates, parse_minutes
from minka.meetings.minutes.importers.spanish.numbers import parse_number


def parse(text: str, **options: Any) -> dict[str, Any]:
    options.setdefault("today", dt.date(2026, 11, 28))
    with translation.override("en"):
        return parse_minutes(text, **options).to_dict()


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("uno", 1),
        ("un", 1),
        ("Primero", 1),
        ("veinte", 20),
        ("veintiún", 21),
        ("VEINTITRES", 23),
        ("veintitrés", 23),
        ("treinta y uno", 31),
        ("ciento cinco", 105),
        ("dos mil diecinueve", 2019),
        ("DOS MIL VEINTICUATRO", 2024),
        ("mil novecientos noventa y ocho", 1998),
        ("mil novecientos cincuenta y siete", 1957),
    ],
)
def test_numbers_in_words(words: str, value: int) -> None:
    assert parse_number(words) == value


@pytest.mark.parametrize("words", ["", "mayo", "cinco y cincuenta", "y", "dos dos"])
def test_what_is_not_one_number(words: str) -> None:
    assert parse_number(words) is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("a los diez días del mes de agosto del año dos mil diecisiete, en las", (2017, 8, 10)),
        ("a los veinte días del mes de mayo del año dos mil diecinueve", (2019, 5, 20)),
        (
            "Siendo las 18:00 horas del día veintitrés de mayo de dos mil veinticuatro",
            (2024, 5, 23),
        ),
        ("DEL VEINTITRES DE MAYO DE DOS MIL VEINTICUATRO DEL FRACCIONAMIENTO", (2024, 5, 23)),
        ("del día treinta de septiembre de dos mil once", (2011, 9, 30)),
        ("el primero de julio de 2020", (2020, 7, 1)),
        ("veintiún de Setiembre de mil novecientos noventa y ocho", (1998, 9, 21)),
        ("a los 20 días del mes de mayo de 2019", (2019, 5, 20)),
        ("EL DIA VEINTISIETE (27) DE ENERO DE DOS MIL VEINTE (Borrador)", (2020, 1, 27)),
        ("del día veintisiete (27) de enero dos mil veinte, se reúne", (2020, 1, 27)),
        ("EL DÍA 25 DE SEPTIEMBRE DE 2.007. En Añora", (2007, 9, 25)),
    ],
)
def test_dates_in_words(text: str, date: tuple[int, int, int]) -> None:
    found = dates.find_dates(text)
    assert len(found) == 1, found
    assert (found[0].year, found[0].month, found[0].day) == date


def test_a_date_in_words_spans_the_words_it_read() -> None:
    text = "Ica, a los diez días del mes de agosto del año dos mil diecisiete, en las"
    (found,) = dates.find_dates(text)
    assert text[found.start : found.end] == (
        "diez días del mes de agosto del año dos mil diecisiete"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Primero.- Se aprueba el acta anterior.",
        "PRIMERO.- Aprobar el presupuesto.",
        "Uno de los miembros pide la palabra.",
        "Se aprobaron dos mil quinientos soles para mayo.",
        "En la Plaza Dos de Mayo se reunieron los vecinos.",
        "cuarenta de mayo",
    ],
)
def test_numbers_in_words_that_are_not_dates(text: str) -> None:
    assert dates.find_dates(text) == []


def test_a_year_in_words_cut_by_a_line_break_is_not_read_as_2000() -> None:
    assert dates.find_dates("CORRESPONDIENTE AL DIA DIECISIETE DE OCTUBRE DE DOS MIL") == []
    (found,) = dates.find_dates("DIECISIETE DE OCTUBRE DE DOS MIL\nDOCE,")
    assert found.year == 2012


def test_a_number_after_the_month_that_is_no_year_is_left_out() -> None:
    (found,) = dates.find_dates("veinte de mayo, dos de los presentes")
    assert (found.day, found.month, found.year) == (20, 5, None)
    assert found.end == len("veinte de mayo")


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("siendo las nueve horas con quince minutos", 9, 15),
        ("siendo las diez horas y ocho minutos", 10, 8),
        ("siendo las veintidós horas y cuatro minutos del día 25", 22, 4),
        ("las nueve horas con treinta y nueve minutos de la mañana", 9, 39),
        ("siendo las veintiuna horas del día treinta de septiembre", 21, 0),
        ("las cinco y cincuenta y cinco de la tarde", 17, 55),
        ("a las dos y media de la tarde", 14, 30),
        ("Palacio Municipal, siendo las 17.05 horas del día jueves", 17, 5),
        ("cuando son las 19,05 horas del día veintinueve", 19, 5),
        ("a las 9:20 a.m., en las Oficinas de", 9, 20),
        ("a las 3:20 p.m., en las Oficinas de", 15, 20),
        ("05 de Setiembre 2014 a las 7:30 pm", 19, 30),
        ("A las 15.20 horas, el Presidente", 15, 20),
    ],
)
def test_times_in_words_and_with_odd_separators(text: str, hour: int, minute: int) -> None:
    found = dates.find_time(text)
    assert found is not None, text
    assert found.time == dt.time(hour, minute)


@pytest.mark.parametrize(
    "text",
    [
        "las dos propuestas fueron aprobadas",
        "Se votaron las tres mociones.",
        "1,5 millones",
        "las veinticinco horas",
    ],
)
def test_what_is_not_a_time(text: str) -> None:
    assert dates.find_time(text) is None


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("dentro de dos semanas", dt.date(2026, 3, 30)),
        ("en quince días", dt.date(2026, 3, 31)),
        ("dentro de 15 días", dt.date(2026, 3, 31)),
        ("dentro de veintiún días", dt.date(2026, 4, 6)),
        ("la próxima semana", dt.date(2026, 3, 23)),
        ("la semana que viene", dt.date(2026, 3, 23)),
        ("el próximo mes", dt.date(2026, 4, 16)),
        ("dentro de tres meses", dt.date(2026, 6, 16)),
    ],
)
def test_relative_spans(text: str, after: dt.date) -> None:
    found = dates.find_relative(f"La próxima reunión será {text}.")
    assert found is not None, text
    assert found.after(dt.date(2026, 3, 16)) == after


@override_settings(LANGUAGE_CODE="en")
def test_the_meeting_date_and_time_in_words_are_read_without_a_warning() -> None:
    parsed = parse(
        "ACTA DE SESIÓN ORDINARIA\n\n"
        "En la Provincia de Ica, a los diez días del mes de agosto del año dos mil "
        "diecisiete, siendo las nueve horas con quince minutos, se reunieron los "
        "consejeros.\n\n"
        "Próxima reunión: dentro de dos semanas, a las cinco y media de la tarde.\n"
    )
    assert parsed["date"] == "2017-08-10"
    assert "No date of the meeting was found." not in parsed["warnings"]
    assert parsed["next_meeting"]["date"] == "2017-08-24"
    assert parsed["next_meeting"]["time"] == "17:30"


@override_settings(LANGUAGE_CODE="en")
def test_an_agenda_point_primero_is_no_date() -> None:
    parsed = parse("Acuerdos\nPrimero.- Aprobar el acta.\nSegundo.- Publicarla.\n")
    assert parsed["date"] is None
    assert "No date of the meeting was found." in parsed["warnings"]


@pytest.mark.parametrize(
    "chunk",
    [
        "veinte ",
        "dos mil ",
        "treinta y ",
        "las nueve horas con ",
        "veinte días del mes de ",
        "de mayo de dos mil ",
        "dentro de dos ",
    ],
)
def test_200_kb_of_words_that_look_like_dates_are_read_in_well_under_a_second(
    chunk: str,
) -> None:
    text = chunk * (200_000 // len(chunk))
    started = time.perf_counter()
    dates.find_dates(text)
    dates.find_time(text)
    dates.find_relative(text)
    parse(text)
    assert time.perf_counter() - started < 1.0
