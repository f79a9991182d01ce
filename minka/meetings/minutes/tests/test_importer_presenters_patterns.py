"""Presenters as minutes state them in sentences, and absentee lists (invented examples)."""

from __future__ import annotations

import datetime as dt

from minka.meetings.minutes.importers.spanish import parse_minutes

TODAY = dt.date(2026, 6, 1)


def presenters(text: str) -> list[str | None]:
    return [p.presenter for p in parse_minutes(text, today=TODAY).presentations]


def test_a_name_before_a_verb_of_presenting() -> None:
    text = (
        "Acta de la reunión\n2.- Informe económico: Lorena Beltrán Ruiz\n"
        "informa que la cuenta tiene un saldo de 1.200 euros.\n"
        "Seguidamente la Sra. Celia Ordóñez presenta el informe de la comisión de fiestas.\n"
        "Tomás Iriarte Sanz expuso los avances del proyecto.\n"
    )
    assert presenters(text) == ["Lorena Beltrán Ruiz", "Celia Ordóñez", "Tomás Iriarte Sanz"]


def test_an_agent_after_the_verb_needs_a_courtesy_or_job_title() -> None:
    text = (
        "Acta\nA continuación informa el Tesorero Sr. Mauro Peñalva Díaz sobre las cuotas.\n"
        "Se presenta el Plan Operativo Anual para su aprobación.\n"
    )
    assert presenters(text) == ["Mauro Peñalva Díaz"]


def test_a_talk_in_charge_of_someone_and_the_speaker() -> None:
    text = (
        "Acta\nLuego hubo una exposición a cargo del Ing. Rubén Salazar Ccori sobre riego.\n"
        "La limpieza del local quedará a cargo de Fermín Ugarte Lazo.\n"
        "Al final el expositor Dr. Hilario Mamani Quispe respondió preguntas.\n"
    )
    assert presenters(text) == ["Rubén Salazar Ccori", "Hilario Mamani Quispe"]


def test_a_role_is_resolved_only_to_the_one_person_named_in_it() -> None:
    text = (
        "Acta de la asamblea\nEl presidente hace una breve presentación de la junta.\n"
        "Presidencia: Oriol Camps Vidal. Socio desde 2015.\nTesorería: Nuria Pons Gil.\n"
    )
    assert presenters(text) == ["Oriol Camps Vidal"]
    unknown = "Acta\nLa Secretaria informa que se recibieron tres cartas.\n"
    assert presenters(unknown) == []
    chaired = (
        "Acta\nSe reúne la comisión bajo la presidencia del Sr. Gaspar Lema Novo.\n"
        "El Presidente informó que el local está cedido hasta junio.\n"
    )
    assert presenters(chaired) == ["Gaspar Lema Novo"]


def test_look_alikes_are_no_presenters() -> None:
    text = (
        "Acta\nSe informa que el quórum está completo.\n"
        "Ningún consejero presentó excusa.\n"
        "La Junta Directiva presenta su memoria anual.\n"
    )
    assert presenters(text) == []


def test_an_absentee_list_gives_no_attendees_and_role_labels_are_no_names() -> None:
    text = (
        "ACTA DEL PLENO\nMIEMBROS ASISTENTES:\nALCALDE-PRESIDENTE:\nDon Ramiro Cuesta Pardo\n"
        "PARTIDO DE LOS VALLES (P.V.)\nDoña Elisa Mora Quintana\nMIEMBROS NO ASISTENTES:\n"
        "Don Julián Robles Ferrer\nSECRETARIO GENERAL:\nDon Anselmo Vidal Rey\n"
        "En la Villa de Puertollano Bajo, siendo las diez horas, se reunieron en el Salón de "
        "Plenos los señores anteriormente expresados.\n"
    )
    parsed = parse_minutes(text, today=TODAY)
    found = [a.name for a in parsed.attendees]
    assert found == ["Ramiro Cuesta Pardo", "Elisa Mora Quintana", "Anselmo Vidal Rey"]
    assert parsed.place and "Salón de Plenos" in parsed.place
    assert any("Julián Robles Ferrer" in note for note in parsed.notes)


def test_what_is_filed_is_not_presented() -> None:
    text = (
        "Acta\nEl Sr. Abel Pinto Ríos presentó una queja por el ruido.\n"
        "Rosa Gil Paz presenta su renuncia.\n"
    )
    assert presenters(text) == []
