"""A catalogue of the ways minutes across Spanish-speaking countries state the meeting's
date and place (invented examples, one line each), so that the rules read forms beyond the
corpus's."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from minka.meetings.minutes.importers.formats import read_minutes
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.tests import importer_documents

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
    (
        "Reunidos en la casa del Sr. Luis Prado Díaz, siendo las 18 horas.",
        "Casa del Sr. Luis Prado Díaz",
    ),
    (
        "Se reunieron en el local de la Av. Grau 345. Se dio inicio a la sesión.",
        "Local de la Av. Grau 345",
    ),
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


class FormTests(SimpleTestCase):
    """Minutes written on a form: labels and values in table cells or on two lines."""

    def test_labels_and_values_of_a_form(self) -> None:
        for text, date, place in (
            (
                "Fecha\t5 de mayo de 2019\nLugar\tAuditorio municipal\n",
                D(2019, 5, 5),
                "Auditorio municipal",
            ),
            ("| Fecha | 05/05/2019 |\n| Lugar | Casa comunal |\n", D(2019, 5, 5), "Casa comunal"),
            (
                "Fecha:\n5 de mayo de 2019\nLugar:\nSalón parroquial\n",
                D(2019, 5, 5),
                "Salón parroquial",
            ),
        ):
            with self.subTest(text):
                parsed = parse_minutes(text, today=D(2026, 12, 1))
                self.assertEqual((parsed.date, parsed.place), (date, place))

    def test_a_word_form_with_a_table_of_labels(self) -> None:
        """The same form typed in a Word table, read through the sandbox."""
        with tempfile.TemporaryDirectory() as folder:
            path = importer_documents.docx_from_text(
                "ACTA DE REUNIÓN\n| Fecha | 5 de mayo de 2019 |\n| Lugar | Casa comunal |\n",
                Path(folder) / "acta.docx",
                tables=True,
            )
            parsed = parse_minutes(read_minutes(path), today=D(2026, 12, 1))
        self.assertEqual((parsed.date, parsed.place), (D(2019, 5, 5), "Casa comunal"))

    def test_a_label_alone_before_another_label_keeps_its_line(self) -> None:
        parsed = parse_minutes("Lugar:\nFecha: 5 de mayo de 2019\n", today=D(2026, 12, 1))
        self.assertEqual(parsed.date, D(2019, 5, 5))
        self.assertIsNone(parsed.place)
