"""A catalogue of the ways minutes across Spanish-speaking countries state the meeting's
date and place (invented examples, one line each), so that the rules read forms beyond the
corpus's."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from minka.meetings.minutes.importers.spanish import parse_minutes

D = dt.date
DATES = [
    ("Lima, 5 de mayo de 2019", D(2019, 5, 5)),
    ("Fecha: 05/05/2019", D(2019, 5, 5)),
    ("Fecha: 2019-05-05", D(2019, 5, 5)),
    ("Fecha: 5 de mayo, 2019", D(2019, 5, 5)),
    ("Sesión del 05.05.2019", D(2019, 5, 5)),
    ("Reunión realizada el día 5/5/19 en la sede.", D(2019, 5, 5)),
    ("martes, 5 de mayo de 2019", D(2019, 5, 5)),
    ("A los cinco días del mes de mayo de dos mil diecinueve se reunieron…", D(2019, 5, 5)),
    ("El día cinco de mayo del año dos mil diecinueve se reunió la asamblea.", D(2019, 5, 5)),
    (
        "En la ciudad de Cusco, siendo las 10:00 horas del día martes 5 de mayo de 2019, se "
        "reunieron los miembros.",
        D(2019, 5, 5),
    ),
    ("Bogotá D.C., mayo 5 de 2019", D(2019, 5, 5)),
    ("Tegucigalpa, Mayo 5, 2019", D(2019, 5, 5)),
    ("ACTA N° 12-2019 DE LA SESIÓN CELEBRADA EL 5 DE MAYO DE 2019", D(2019, 5, 5)),
    ("Acta de la reunión del 5 de mayo de 2019 (aprobada el 2 de junio de 2019)", D(2019, 5, 5)),
    ("CINCO DE MAYO DE DOS MIL DIECINUEVE", D(2019, 5, 5)),
    ("Reunión: 5 may. 2019", D(2019, 5, 5)),
]
PLACES = [
    ("Lugar: Auditorio de la Municipalidad", "Auditorio de la Municipalidad"),
    ("Lugar de la reunión: Casa de la Mujer", "Casa de la Mujer"),
    ("Lugar y fecha: Trujillo, 5 de mayo de 2019", "Trujillo"),
    ("Sede: Colegio de Ingenieros", "Colegio de Ingenieros"),
    ("Ciudad: Arequipa", "Arequipa"),
    ("Modalidad: virtual", "Virtual"),
    ("Plataforma: Zoom", "Zoom"),
    (
        "Reunidos en la sede de la Federación Agraria, siendo las 9 horas.",
        "Sede de la Federación Agraria",
    ),
    (
        "En las instalaciones del Colegio Nacional, a las 10 horas.",
        "Instalaciones del Colegio Nacional",
    ),
    ("En la ciudad de Piura, siendo las nueve horas.", "Piura"),
    ("Lima, 5 de mayo de 2019", "Lima"),
    ("En el caserío de Pampa Alta, a los cinco días de mayo.", "Pampa Alta"),
    ("La sesión se realizó de forma virtual por la plataforma Zoom.", "Virtual"),
]


class DateCatalogueTests(SimpleTestCase):
    def test_each_way_of_writing_the_meetings_date(self) -> None:
        for text, date in DATES:
            with self.subTest(text):
                self.assertEqual(parse_minutes(text, today=D(2026, 12, 1)).date, date)


class PlaceCatalogueTests(SimpleTestCase):
    def test_each_way_of_writing_the_place(self) -> None:
        for text, place in PLACES:
            with self.subTest(text):
                self.assertEqual(parse_minutes(text, today=D(2026, 12, 1)).place, place)
