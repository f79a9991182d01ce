"""Decisions, the next meeting and the sections of Spanish minutes as real minutes write
them (issue 17): decisions written as sentences with no "Acuerdos" heading, numbered
"PRIMERO.-" agreements, a next meeting announced in a paragraph or printed above the
minutes, and headings by their form (underlined, "#", bold, capitals) that end the section
before them. Every example is invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation

from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.importers.spanish.agreements import is_decision, same_agreement
from minka.meetings.minutes.importers.spanish.next_meeting import announces_next, dated
from minka.meetings.minutes.tests.test_importer_properties import uncovered_lines

TODAY = dt.date(2026, 11, 28)


def parse(text: str) -> dict[str, Any]:
    with translation.override("en"):
        parsed = parse_minutes(text, year=2026, today=TODAY).to_dict()
    assert uncovered_lines(text, parsed) == [], "a line was lost"
    return parsed


def agreements(parsed: dict[str, Any]) -> list[str]:
    return [agreement["text"] for agreement in parsed["agreements"]]


class DecisionSentenceTests(SimpleTestCase):
    def test_formulae_of_a_decision_taken(self) -> None:
        for text in (
            "Se somete a votación la compra del proyector y se aprueba por unanimidad.",
            "Aprobado por mayoría.",
            "Por mayoría se ha decidido trasladar el archivo a la sede norte.",
            "Tras el debate se acordó pedir una reunión con la gerencia.",
            "Se acuerda enviar la carta el lunes.",
            "Aprobada con 5 votos a favor y 2 abstenciones.",
            "SE APRUEBA el acta de la sesión anterior.",
            "La Asamblea aprobó el reglamento de la biblioteca.",
            "ACUERDO N° 3: Renovar el convenio con la escuela.",
            "La moción queda aprobada de manera unánime.",
            "Queda aprobada el acta de la sesión anterior.",
            "Se da por aprobada la rendición de cuentas.",
            "Se vota la propuesta, aprobándose por unanimidad.",
        ):
            with self.subTest(text):
                self.assertTrue(is_decision(text))

    def test_look_alikes_are_no_decision(self) -> None:
        for text in (
            "Enterados.",
            "Primero.- Lectura del acta anterior.",
            "La propuesta de cambiar el horario se rechaza.",
            "Sometida a votación, no se aprueba la moción del vocal.",
            "La compra se someterá a votación en la próxima sesión.",
            "Si se aprueba el presupuesto, se comprarán sillas.",
            "El vecino nos cuenta que su pedido fue aprobado;",
            "Tratamiento y aprobación del balance.",
            "El acta queda pendiente de aprobación.",
        ):
            with self.subTest(text):
                self.assertFalse(is_decision(text))

    def test_decisions_without_an_agreements_heading_are_agreements(self) -> None:
        parsed = parse(
            "ACTA DE LA JUNTA DE VECINOS DEL BARRIO ALTO\n"
            "Trujillo, 3 de marzo de 2026\n"
            "Orden del día:\n"
            "1. Aprobación del acta anterior.\n"
            "2. Cuotas del año.\n"
            "Se da lectura al acta anterior, que es aprobada por unanimidad.\n"
            "El tesorero explica el estado de las cuentas.\n"
            "Se somete a votación subir la cuota a 10 soles y no se aprueba.\n"
            "Por mayoría se ha decidido mantener la cuota actual.\n"
        )
        self.assertEqual(
            agreements(parsed),
            [
                "Se da lectura al acta anterior, que es aprobada por unanimidad.",
                "Por mayoría se ha decidido mantener la cuota actual.",
            ],
        )
        self.assertEqual(parsed["agenda"], ["Aprobación del acta anterior.", "Cuotas del año."])
        self.assertIn(
            "Se somete a votación subir la cuota a 10 soles y no se aprueba.", parsed["notes"]
        )

    def test_a_decision_and_its_summary_count_once(self) -> None:
        parsed = parse(
            "Orden del día:\n"
            "1. Local de la feria.\n"
            "Tras un breve debate se acuerda alquilar el local de la parroquia para la feria.\n"
            "Acuerdos\n"
            "1. Alquilar el local de la parroquia para la feria.\n"
            "2. Pedir presupuestos de carpas.\n"
        )
        self.assertEqual(
            agreements(parsed),
            ["Alquilar el local de la parroquia para la feria.", "Pedir presupuestos de carpas."],
        )
        self.assertTrue(
            same_agreement(agreements(parsed)[0], "se acuerda alquilar el local de la parroquia")
        )

    def test_ordinal_agreements_under_a_heading(self) -> None:
        parsed = parse(
            "El Pleno, por unanimidad, ACUERDA:\n"
            "PRIMERO.- Aprobar la ordenanza de ruidos.\n"
            "SEGUNDO.- Publicar el acuerdo en el boletín.\n"
            "Acto seguido el alcalde da cuenta de los decretos dictados.\n"
        )
        self.assertEqual(
            agreements(parsed),
            [
                "PRIMERO.- Aprobar la ordenanza de ruidos.",
                "SEGUNDO.- Publicar el acuerdo en el boletín.",
            ],
        )
        self.assertIn(
            "Acto seguido el alcalde da cuenta de los decretos dictados.", parsed["notes"]
        )

    def test_ordinal_items_of_an_agenda_stay_the_agenda(self) -> None:
        parsed = parse(
            "Orden del día\nPrimero.- Lectura del acta.\nSegundo.- Elección de la directiva.\n"
        )
        self.assertEqual(
            parsed["agenda"], ["Primero.- Lectura del acta.", "Segundo.- Elección de la directiva."]
        )
        self.assertEqual(parsed["agreements"], [])

    def test_a_decision_wrapped_before_a_connective_in_capitals(self) -> None:
        parsed = parse(
            "Acta del 7 de marzo de 2026\n"
            "Tras un breve debate entre los socios la votación dio como resultado la APROBACIÓN\n"
            "POR UNANIMIDAD del plan de trabajo.\n"
        )
        self.assertEqual(len(parsed["agreements"]), 1)


class NextMeetingTests(SimpleTestCase):
    def test_phrases_that_name_it(self) -> None:
        for text in (
            "La próxima reunión será el 14 de abril.",
            "La siguiente sesión se realizará en el local comunal.",
            "Se acordó reunirse nuevamente dentro de quince días.",
            "La renovación se votará en la próxima asamblea en febrero de 2027.",
            "El punto quedará pendiente para una próxima reunión.",
        ):
            with self.subTest(text):
                self.assertTrue(announces_next(text))
        self.assertFalse(announces_next("Se aprobó el acta de la reunión anterior."))
        self.assertFalse(dated("El punto quedará pendiente para una próxima reunión."))
        self.assertTrue(dated("La siguiente sesión se realizará en el local comunal."))

    def test_a_paragraph_announcing_it(self) -> None:
        parsed = parse(
            "Cusco, 2 de marzo de 2026\n"
            "Se revisaron las cuentas.\n"
            "La siguiente sesión se realizará el 16 de marzo a las 18:00 horas.\n"
        )
        self.assertEqual(parsed["next_meeting"]["date"], "2026-03-16")
        self.assertEqual(parsed["date"], "2026-03-02")

    def test_an_agreement_to_meet_again_within_a_span(self) -> None:
        parsed = parse(
            "Huaraz, 2 de marzo de 2026\nSe acordó reunirse nuevamente dentro de quince días.\n"
        )
        self.assertEqual(parsed["next_meeting"]["date"], "2026-03-17")
        self.assertEqual(len(parsed["agreements"]), 1)

    def test_a_call_printed_above_the_minutes_is_not_their_date(self) -> None:
        parsed = parse(
            "Se convoca a la próxima asamblea para el 9 de junio de 2026 a las 19 hs.\n"
            "ACTA DE LA ASAMBLEA DEL 12 DE MAYO DE 2026\n"
            "Se trataron los temas del barrio.\n"
        )
        self.assertEqual(parsed["next_meeting"]["date"], "2026-06-09")
        self.assertEqual(parsed["date"], "2026-05-12")

    def test_a_next_meeting_without_a_day(self) -> None:
        parsed = parse(
            "Lima, 5 de mayo de 2026\n"
            "El Consejo aprobó la prórroga, que será ratificada en una próxima reunión.\n"
        )
        self.assertIsNotNone(parsed["next_meeting"])
        self.assertIsNone(parsed["next_meeting"]["date"])

    def test_a_day_and_month_under_its_heading(self) -> None:
        parsed = parse("Fecha: 2 de marzo de 2026\nPróxima reunión\nFecha: jueves 05/03\n")
        self.assertEqual(parsed["next_meeting"]["date"], "2026-03-05")


class HeadingFormTests(SimpleTestCase):
    def test_underlined_headings_end_the_agenda(self) -> None:
        parsed = parse(
            "Acta de la asamblea del 7 de marzo de 2026\n"
            "Orden del día\n"
            "~~~~~~~~~~~~~\n"
            "1. Informe de la presidencia\n"
            "2. Ruegos y preguntas\n"
            "\n"
            "Informe de la presidencia\n"
            "-------------------------\n"
            "- La sede nueva abre en mayo\n"
            "- Hay dos socios nuevos\n"
            "\n"
            "Ruegos y preguntas\n"
            "^^^^^^^^^^^^^^^^^^\n"
            "No hubo.\n"
        )
        self.assertEqual(parsed["agenda"], ["Informe de la presidencia", "Ruegos y preguntas"])
        self.assertIn("Informe de la presidencia", parsed["notes"])
        self.assertIn("La sede nueva abre en mayo", parsed["notes"])

    def test_a_numbering_that_starts_again_ends_the_agenda(self) -> None:
        parsed = parse(
            "Acta del 7 de marzo de 2026\n"
            "Orden del día\n"
            "1. Cuentas\n"
            "2. Fiesta\n"
            "\n"
            "Asisten 12 socios.\n"
            "\n"
            "1. Cuentas\n"
            "\n"
            "El tesorero presenta el balance.\n"
            "\n"
            "2. Fiesta\n"
            "\n"
            "Se acuerda celebrarla en junio.\n"
        )
        self.assertEqual(parsed["agenda"], ["Cuentas", "Fiesta"])
        self.assertEqual(agreements(parsed), ["Se acuerda celebrarla en junio."])

    def test_a_markdown_or_capital_heading_ends_the_agenda(self) -> None:
        parsed = parse(
            "Acta del 7 de marzo de 2026\n"
            "Orden del día:\n"
            "- Lectura del acta\n"
            "- Presupuesto\n"
            "LECTURA DEL ACTA Nº 12\n"
            "Se lee el acta.\n"
            "# **Presupuesto**\n"
            "Se presenta el presupuesto.\n"
        )
        self.assertEqual(parsed["agenda"], ["Lectura del acta", "Presupuesto"])
        self.assertIn("LECTURA DEL ACTA Nº 12", parsed["notes"])
        self.assertIn("# **Presupuesto**", parsed["notes"])

    def test_a_known_heading_in_markdown_marks(self) -> None:
        parsed = parse("Orden del día\n1. Cuentas\n# **Acuerdos**\n1. Pagar la luz.\n")
        self.assertEqual(parsed["agenda"], ["Cuentas"])
        self.assertEqual(agreements(parsed), ["Pagar la luz."])

    def test_a_heading_above_the_minutes_stays_in_the_preamble(self) -> None:
        parsed = parse("Acta de la junta del 7 de marzo de 2026\n=====================\nTexto.\n")
        self.assertEqual(parsed["date"], "2026-03-07")

    def test_headings_that_name_agreements_or_the_next_meeting(self) -> None:
        parsed = parse(
            "Acta del 7 de marzo de 2026\n"
            "Acuerdos de la sesión\n"
            "- Pintar la sede.\n"
            "Fecha y lugar de la próxima reunión\n"
            "14 de marzo de 2026, en la sede.\n"
        )
        self.assertEqual(agreements(parsed), ["Pintar la sede."])
        self.assertEqual(parsed["next_meeting"]["date"], "2026-03-14")
        self.assertIn("Acuerdos de la sesión", parsed["notes"])

    def test_a_sentence_that_names_the_next_meeting_is_no_heading(self) -> None:
        parsed = parse("Acta del 7 de marzo de 2026\nPróxima reunión el 5 de mayo\n")
        self.assertEqual(parsed["next_meeting"]["date"], "2026-05-05")

    def test_items_numbered_with_a_dash_and_ordinals_after_them(self) -> None:
        parsed = parse(
            "Acta del 7 de marzo de 2026\n"
            "El orden del día es el siguiente:\n"
            "1.- Apertura\n"
            "2.- Cuentas del curso\n"
            "Primero.- Apertura. La presidenta saluda a los socios.\n"
            "Segundo.- Cuentas del curso. Se aprueban por unanimidad.\n"
        )
        self.assertEqual(parsed["agenda"], ["Apertura", "Cuentas del curso"])
        self.assertEqual(
            agreements(parsed), ["Segundo.- Cuentas del curso. Se aprueban por unanimidad."]
        )

    def test_a_heading_numbered_with_a_dash(self) -> None:
        parsed = parse("3.- ACUERDOS\nComprar sillas.\n")
        self.assertEqual(agreements(parsed), ["Comprar sillas."])


class CouncilDecisionTests(SimpleTestCase):
    """Council minutes: decisions by their number or code, the chair's "damos por aprobada",
    numbered CAPS items run together in one paragraph, and an agenda listed on its heading's
    line above the items treated one by one."""

    def test_council_formulae(self) -> None:
        for text in (
            "Alcalde: Sin más observaciones, damos por aprobada el acta.",
            "El Presidente la somete a votación, adoptándose por unanimidad el siguiente acuerdo:",
            "ACUERDO NÚMERO CUATRO. Autorizar la reparación del puente.",
            "ACUERDO NÚMERO 12. Nombrar a la comisión de fiestas.",
            "Conformes los señores concejales (A.C. N° 031-2019-MDX).",
        ):
            with self.subTest(text):
                self.assertTrue(is_decision(text))

    def test_orders_to_forward_papers_are_no_decision(self) -> None:
        for text in (
            "Transcríbase al interesado.",
            "Pase a la Comisión de Obras para su dictamen.",
            "Se somete a consideración del pleno la moción del regidor.",
            "Si damos por aprobada el acta, pasamos al siguiente punto.",
            "Según el Acuerdo de Concejo N° 12-2010, la feria es anual.",
        ):
            with self.subTest(text):
                self.assertFalse(is_decision(text))

    def test_numbered_caps_items_run_together(self) -> None:
        parsed = parse(
            "En Villa Rosales, siendo las diez horas del 3 de marzo de 2021, se reúne el Pleno "
            "bajo la presidencia de la Sra. Alcaldesa Dña. Ofelia Carranza Ruiz, y se pasa a "
            "tratar el orden del día. 1. APROBACIÓN DEL ACTA ANTERIOR. Sin alegaciones, el acta "
            "se aprueba por unanimidad. 2. MOCIÓN SOBRE EL ALUMBRADO. El concejal Ramón Tejada "
            "defiende la moción; sometida a votación, no se aprueba. 3. CESIÓN DEL LOCAL SOCIAL. "
            "Se acuerda por mayoría ceder el local a la asociación juvenil."
        )
        texts = agreements(parsed)
        self.assertEqual(len(texts), 2)
        self.assertTrue(texts[0].startswith("APROBACIÓN DEL ACTA ANTERIOR"))
        self.assertTrue(texts[1].startswith("CESIÓN DEL LOCAL SOCIAL"))
        self.assertEqual(parsed["date"], "2021-03-03")

    def test_a_short_line_is_not_parted(self) -> None:
        parsed = parse("Reunión del 3 de marzo de 2021. 1. APROBACIÓN DEL ACTA. Se aprueba.")
        self.assertEqual(len(parsed["agreements"]), 1)

    def test_agenda_on_its_heading_line_then_items_treated(self) -> None:
        parsed = parse(
            "Acta de la reunión del 5 de mayo de 2023.\n"
            "ORDEN DEL DÍA: 1. Lectura del acta anterior. 2. Informe de tesorería.\n"
            "1. Lectura del acta anterior. Leída el acta, se aprueba sin observaciones.\n"
            "2. Informe de tesorería. La tesorera presenta el informe; se acuerda publicarlo."
        )
        self.assertEqual(len(parsed["agreements"]), 2)
