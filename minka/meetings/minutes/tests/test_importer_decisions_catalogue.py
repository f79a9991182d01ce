"""A catalogue of how Spanish minutes record decisions, the next meeting and their section
headings, across countries and kinds of bodies (councils, assemblies of associations,
cooperatives, networks, universities, communities, committees): each case is a short
invented example with the count of agreements, the next meeting's date, or the section a
heading opens. Look-alikes (proposals rejected, debates, agenda items, decisions of other
bodies reported, matters left pending) must count no agreement. Every example is invented.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation

from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.importers.spanish.lines import read_units
from minka.meetings.minutes.tests.test_importer_properties import uncovered_lines

TODAY = dt.date(2026, 11, 28)
# The meeting of every example is on Tuesday 10 March 2026.
HEAD = "ACTA DE REUNIÓN\nFecha: 10 de marzo de 2026\nLugar: Salón comunal\n\n"
UNDATED = "undated"  # a next meeting named without a day
# Labels and heading words that a field takes in place of the words (see
# test_importer_properties): "Responsable:", "Plazo:", "Próxima asamblea:".
_LABELS = re.compile(r"\b(?:responsables?|plazo|asamblea)\b\s*:?", re.IGNORECASE)


def parse(body: str) -> dict[str, Any]:
    text = HEAD + body
    with translation.override("en"):
        parsed = parse_minutes(text, year=2026, today=TODAY).to_dict()
    assert uncovered_lines(_LABELS.sub(" ", text), parsed) == [], "a line was lost"
    return parsed


# (body, agreements counted)
DECISIONS: tuple[tuple[str, int], ...] = (
    (
        "ACUERDOS:\n1. Aprobar el plan de trabajo.\n2. Solicitar apoyo a la municipalidad.\n"
        "3. Realizar la feria en mayo.",
        3,
    ),
    ("Se acuerda:\n- Pintar el local comunal.\n- Comprar dos mesas.", 2),
    ("Se aprueba por unanimidad el presupuesto anual.", 1),
    ("Se aprueba por mayoría la modificación del reglamento interno.", 1),
    (
        "Puesta a votación, la propuesta se aprueba por 7 votos a favor, 2 en contra y "
        "1 abstención.",
        1,
    ),
    ("Queda aprobado el informe económico del tesorero.", 1),
    ("Sometido a votación, resulta aprobado el cambio de horario de atención.", 1),
    ("El Pleno acuerda, por unanimidad, aprobar la ordenanza de tránsito.", 1),
    ("Resolución N° 015-2026: Aprobar el calendario académico del semestre.", 1),
    ("ACUERDO 1/2026: Designar al comité electoral.", 1),
    ("Se decide postergar la jornada de limpieza del canal.", 1),
    (
        "Compromisos:\n- Enviar el informe. Responsable: Ana Ruiz. Plazo: 20 de marzo.\n"
        "- Convocar a los socios. Responsable: Luis Paz. Plazo: 25 de marzo.",
        2,
    ),
    ("Tareas:\n- Redactar la carta al alcalde (Carmen).\n- Reservar el auditorio (Pedro).", 2),
    (
        "ACUERDOS\nAcuerdo | Responsable | Plazo\nActualizar el padrón | Secretaría | 31/03/2026\n"
        "Renovar la página web | Comunicaciones | 15/04/2026",
        2,
    ),
    (
        "## Acuerdos\n\n| Acuerdo | Responsable | Plazo |\n|---|---|---|\n"
        "| Actualizar el padrón | Secretaría | 31/03/2026 |\n"
        "| Renovar la página web | Comunicaciones | 15/04/2026 |",
        2,
    ),
    (
        "ACUERDOS\nPRIMERO.- Aprobar el acta de la sesión anterior.\n"
        "SEGUNDO.- Renovar la junta directiva en abril.",
        2,
    ),
    (
        "El Concejo Municipal, por unanimidad, ACUERDA: autorizar al alcalde la firma del "
        "convenio con la universidad.",
        1,
    ),
    ("La Asamblea General resolvió por consenso aumentar la cuota social.", 1),
    ("Se aprueba con 12 votos a favor y 3 abstenciones la compra de semillas.", 1),
    ("Con el voto favorable de la mayoría, se aprueba la moción del vocal.", 1),
    ("Por unanimidad de los presentes se acordó nombrar a la comisión de fiestas.", 1),
    ("La propuesta de la directiva es aprobada por aclamación.", 1),
    ("Se vota la propuesta: 8 a favor, 1 en contra. Aprobado.", 1),
    ("Los socios acuerdan por unanimidad fijar la cuota en veinte soles.", 1),
    ("El Consejo Universitario aprueba la creación de la Escuela de Posgrado.", 1),
    ("Se resuelve: aprobar la rendición de cuentas del ejercicio 2025.", 1),
    ("Se toma el acuerdo de contratar a un contador para la cooperativa.", 1),
    (
        "Se adoptaron los siguientes acuerdos:\n1. Cambiar la cerradura del almacén.\n"
        "2. Publicar el balance en el mural.",
        2,
    ),
    ("Sin más observaciones, el acta es aprobada y firmada por los asistentes.", 1),
    ("Se acuerda por unanimidad rechazar la propuesta de venta del terreno.", 1),
    ("La Junta de Facultad aprobó por mayoría el plan de estudios.", 1),
    ("Se autoriza por unanimidad al tesorero a abrir una cuenta de ahorros.", 1),
    ("Puesto a consideración el proyecto, se sanciona la Ordenanza N° 1234.", 1),
    ("El acta de la sesión anterior queda aprobada por asentimiento.", 1),
    ("ACUERDO CU-05/2026: Aprobar el reglamento de grados y títulos.", 1),
    ("Se conviene en realizar la asamblea extraordinaria en la sede central.", 1),
    (
        "SE ACUERDA: Aprobar la licencia del regidor suplente. ACUERDO DEFINITIVAMENTE APROBADO.",
        1,
    ),
    ("Resultó electo presidente el socio Raúl Flores con 25 votos.", 1),
    ("Se decidió lo siguiente:\n- Cambiar de banco.\n- Subir la cuota en abril.", 2),
    ("ACUERDO REGIONAL N° 045-2026-GR/CR: Declarar de interés regional la carretera.", 1),
    (
        "El Consejo Provincial, en uso de sus atribuciones legales, RESUELVE: aprobar en "
        "segundo debate la ordenanza.",
        1,
    ),
    ("**Votación**: 6 a favor, 0 en contra. **Aprobado**.", 1),
    ("Se vota y aprueba por unanimidad el proyecto de comunicación.", 1),
    ("El Honorable Concejo Deliberante sanciona con fuerza de Ordenanza lo siguiente.", 1),
    ("Quedamos en que Pablo prepara el sitio web para el evento.", 1),
    ("Quedando electos como tesorero y vocal los socios Ana Mejía y Juan Solís.", 1),
    ("El proyecto queda aprobado en general y en particular.", 1),
    (
        "Resolución de Consejo Universitario N° 012-2026-CU: Aprobar el cuadro de vacantes.",
        1,
    ),
    # Look-alikes: no decision taken.
    ("La propuesta de cambiar la sede es rechazada por mayoría.", 0),
    ("Se somete a consideración del pleno el informe de la comisión.", 0),
    ("Se debate ampliamente la propuesta del tesorero sobre las cuotas.", 0),
    ("ORDEN DEL DÍA:\n1. Aprobación del acta anterior.\n2. Acuerdos sobre la feria.", 0),
    ("El tema del cerco perimétrico queda pendiente.", 0),
    ("No hubo acuerdo sobre el cambio de local.", 0),
    ("No se aprueba la solicitud de licencia del vocal.", 0),
    ("La propuesta no fue aprobada al no alcanzar la mayoría.", 0),
    ("El tesorero informa que la Municipalidad aprobó el presupuesto participativo.", 0),
    ("La presidenta comunica que el Ministerio resolvió ampliar el plazo de la convocatoria.", 0),
    ("Se propone realizar una rifa; la propuesta se someterá a votación más adelante.", 0),
    ("Se rechaza por mayoría la propuesta de aumentar la cuota.", 0),
    ("La moción del regidor fue desestimada.", 0),
    ("Se da lectura a la propuesta de acuerdo presentada por la comisión.", 0),
    ("Tal como se acordó en la sesión anterior, el tesorero presenta el balance.", 0),
    ("El acta de la sesión anterior queda pendiente de aprobación.", 0),
    ("La propuesta será sometida a aprobación de la asamblea general.", 0),
    ("Se gira el expediente a la Comisión de Hacienda.", 0),
    ("El Concejo toma conocimiento de la nota del vecino.", 0),
    ("Los candidatos aceptan el cargo para el que resultaron electos.", 0),
    ("La Resolución Rectoral N° 123-2026-R fue remitida a la Facultad.", 0),
    ("El delegado pregunta qué se resuelve sobre el pedido del sindicato.", 0),
    ("Se vota la propuesta y no alcanza la mayoría necesaria.", 0),
)

MARCH_17 = "2026-03-17"

# (body, the next meeting's date: ISO, UNDATED, or None when there is none)
NEXT_MEETINGS: tuple[tuple[str, str | None], ...] = (
    ("Próxima reunión: 24 de marzo de 2026 a las 18:00 horas.", "2026-03-24"),
    ("Se convoca para el 7 de abril a las 10:00 horas en el mismo local.", "2026-04-07"),
    (
        "La siguiente sesión ordinaria se llevará a cabo el 14 de abril de 2026.",
        "2026-04-14",
    ),
    ("Se acuerda reunirse el próximo martes a las 19:00 horas.", MARCH_17),
    ("La próxima reunión será dentro de quince días.", "2026-03-25"),
    ("Próxima asamblea: el primer lunes de junio.", "2026-06-01"),
    ("Próxima reunión: fecha por definir.", UNDATED),
    (
        "PRÓXIMA SESIÓN\nMartes 21 de abril de 2026, 17:00 h, Sala de Regidores.",
        "2026-04-21",
    ),
    ("Se cita a la siguiente reunión para el jueves 2 de abril.", "2026-04-02"),
    ("La Junta Directiva volverá a reunirse el 30 de marzo.", "2026-03-30"),
    (
        "Se fija como fecha de la próxima reunión el sábado 28 de marzo.",
        "2026-03-28",
    ),
    ("Nos reuniremos nuevamente el 15/04/2026.", "2026-04-15"),
    ("La próxima reunión se realizará la próxima semana.", MARCH_17),
    (
        "Quedan convocados para la siguiente asamblea el último sábado de abril.",
        "2026-04-25",
    ),
    ("La próxima sesión ordinaria será el segundo jueves de abril.", "2026-04-09"),
    ("Próxima reunión: lunes 16 de marzo, 9:00 am, vía Zoom.", "2026-03-16"),
    ("Se acuerda reunirse dentro de ocho días en la casa comunal.", "2026-03-18"),
    ("La próxima reunión será el viernes a las 16:00 horas.", "2026-03-13"),
    ("Se acuerda sesionar nuevamente el 31 de marzo.", "2026-03-31"),
    ("La fecha de la próxima asamblea se definirá oportunamente.", UNDATED),
    ("La próxima sesión ordinaria será el martes 17, a las 18:00 horas.", "2026-03-17"),
    ("Se fija la próxima reunión para el día 20 del presente mes.", "2026-03-20"),
    ("La próxima reunión será el 5 del mes entrante.", "2026-04-05"),
    ("Se convoca a asamblea general ordinaria para el sábado 11 de abril.", "2026-04-11"),
    ("Nos volvemos a reunir el día 8 de abril en la sede.", "2026-04-08"),
    ("La próxima sesión será convocada oportunamente por la Presidencia.", UNDATED),
    ("Próxima reunión: jueves 9 de abril, 18 h.", "2026-04-09"),
    # Look-alikes: no next meeting.
    ("El acta de la sesión anterior, del 3 de marzo, se lee y se aprueba.", None),
    ("Se recuerda que la feria será el 20 de mayo en la plaza.", None),
)

# (heading line, the section it opens)
HEADINGS: tuple[tuple[str, str], ...] = (
    ("I. ASISTENCIA", "attendees"),
    ("2.- ORDEN DEL DÍA", "agenda"),
    ("DESARROLLO DE LA SESIÓN", "interventions"),
    ("III. ACUERDOS:", "agreements"),
    ("4) Acuerdos adoptados", "agreements"),
    ("**ORDEN DEL DÍA**", "agenda"),
    ("## Acuerdos", "agreements"),
    ("V.- PRÓXIMA REUNIÓN", "next_meeting"),
    ("MIEMBROS PRESENTES:", "attendees"),
    ("DESARROLLO DE LA AGENDA", "interventions"),
    ("Agenda del día:", "agenda"),
    ("ACUERDOS ADOPTADOS POR EL CONSEJO", "agreements"),
    ("Asuntos varios", "notes"),
    ("Compromisos asumidos:", "agreements"),
    ("2. ASISTENTES", "attendees"),
    ("a) Acuerdos", "agreements"),
    ("DESARROLLO:", "interventions"),
    ("Desarrollo de la asamblea", "interventions"),
    ("Relación de acuerdos", "agreements"),
    ("Control de asistencia", "attendees"),
    ("PUNTOS A TRATAR:", "agenda"),
    ("4.- ACUERDOS Y COMPROMISOS", "agreements"),
    ("VI. PUNTOS VARIOS", "notes"),
    ("Orden del día", "agenda"),
    ("CUARTO: ACUERDOS", "agreements"),
    ("Fecha de la siguiente reunión:", "next_meeting"),
    ("PUNTOS DE ACUERDO", "agreements"),
    ("RESOLUCIONES ADOPTADAS", "agreements"),
    ("Acuerdos y resoluciones:", "agreements"),
    ("Próximos pasos", "agreements"),
    ("ACCIONES A SEGUIR", "agreements"),
    ("Compromisos y responsables", "agreements"),
    ("CONCEJALES PRESENTES:", "attendees"),
    ("Socios asistentes", "attendees"),
    ("Fecha, hora y lugar de la próxima reunión", "next_meeting"),
    ("Acuerdos de la sesión anterior", "notes"),
    ("CIERRE DE LA SESIÓN", "closing"),
    ("Clausura", "closing"),
)


class DecisionCatalogueTests(SimpleTestCase):
    def test_agreements_counted(self) -> None:
        for body, count in DECISIONS:
            with self.subTest(body):
                self.assertEqual(len(parse(body)["agreements"]), count)

    def test_responsible_taken_from_commitments(self) -> None:
        parsed = parse(DECISIONS[11][0])
        self.assertEqual([a["responsible"] for a in parsed["agreements"]], ["Ana Ruiz", "Luis Paz"])

    def test_rows_of_a_table_of_agreements(self) -> None:
        for body in (DECISIONS[13][0], DECISIONS[14][0]):
            with self.subTest(body):
                parsed = parse(body)
                self.assertEqual(
                    [(a["text"], a["responsible"], a["due"]) for a in parsed["agreements"]],
                    [
                        ("Actualizar el padrón", "Secretaría", "2026-03-31"),
                        ("Renovar la página web", "Comunicaciones", "2026-04-15"),
                    ],
                )


class NextMeetingCatalogueTests(SimpleTestCase):
    def test_next_meeting_dates(self) -> None:
        for body, expected in NEXT_MEETINGS:
            with self.subTest(body):
                found = parse(body)["next_meeting"]
                if expected is None:
                    self.assertIsNone(found)
                    continue
                self.assertIsNotNone(found)
                self.assertEqual(found["date"], None if expected == UNDATED else expected)


class HeadingCatalogueTests(SimpleTestCase):
    def test_headings_open_their_section(self) -> None:
        for line, section in HEADINGS:
            with self.subTest(line):
                units = read_units(f"ACTA\n\n{line}\nUn texto cualquiera.")
                opened = [u.section for u in units if u.kind in ("heading", "intro")]
                self.assertEqual(opened[:1], [section])
