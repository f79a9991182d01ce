"""Warnings that help: one per field missed, one summary for a noisy section, never a
false claim (issue 17). Examples invented, in the forms real minutes use."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase
from django.utils import translation

from minka.meetings.minutes.importers.spanish import parse_minutes


def warnings(text: str) -> list[str]:
    with translation.override("en"):
        return parse_minutes(text, today=dt.date(2026, 12, 1)).warnings


class WarningTests(SimpleTestCase):
    def test_many_lines_that_are_no_attendees_make_one_warning(self) -> None:
        roles = "\n".join(
            f"- Representantes de la región {n} y sus equipos técnicos" for n in range(6)
        )
        found = warnings(f"Fecha: 3 de mayo de 2026\nAsistentes:\n{roles}\n")
        summaries = [w for w in found if "lines of the attendees section" in w]
        self.assertEqual(len(summaries), 1)
        self.assertIn("6 lines", summaries[0])
        self.assertFalse(any("does not look like an attendee" in w for w in found))

    def test_one_or_two_such_lines_are_each_said(self) -> None:
        found = warnings(
            "Fecha: 3 de mayo de 2026\nAsistentes:\n- Representantes de tres regiones\n"
        )
        self.assertEqual(sum("does not look like an attendee" in w for w in found), 1)

    def test_a_number_of_attendees_without_names_is_said_and_not_called_missing(self) -> None:
        found = warnings(
            "En Lima, el 3 de mayo de 2026, con la asistencia de 23 socios, se reunió la "
            "asamblea general."
        )
        self.assertIn("The minutes give the number of attendees (23) but not their names.", found)
        self.assertNotIn("No list of attendees was found.", found)

    def test_a_numbered_point_after_a_presentation_is_no_count(self) -> None:
        with translation.override("en"):
            parsed = parse_minutes(
                "Presentación del Sr. Luis Rojas (Red Rural) quien planteó:\n"
                "1) Acceso a internet.\n3) Mujeres y conectividad.\n",
                year=2026,
            )
        self.assertIsNone(parsed.attendee_count)

    def test_each_warning_is_said_once(self) -> None:
        found = warnings("Acuerdos\n- Plazo: pronto\n- Plazo: pronto\n")
        self.assertEqual(len(found), len(set(found)))
