"""Attendance as minutes state it outside an "Asistentes" list (invented examples)."""

from __future__ import annotations

import datetime as dt

from minka.meetings.minutes.importers.spanish import parse_minutes

TODAY = dt.date(2026, 6, 1)


def names(text: str) -> list[str]:
    return [a.name for a in parse_minutes(text, today=TODAY).attendees]


def test_an_opening_sentence_gives_its_names_without_titles() -> None:
    text = (
        "En Villaseca, a 3 de mayo de 2026, bajo la presidencia del Sr. Alcalde D. Tomás\n"
        "Ribera Solano, asisten a la presente reunión los concejales; Sra. Irene Patiño\n"
        "Lugo; Sr. Benito Carrasco Mora y Dª ELVIRA MONTES GIL. No asiste D. Pablo Ortiz Vela."
    )
    assert names(text) == [
        "Tomás Ribera Solano",
        "Irene Patiño Lugo",
        "Benito Carrasco Mora",
        "Elvira Montes Gil",
    ]


def test_a_list_after_a_label_skips_absentees_and_party_lines() -> None:
    text = (
        "ACTA\nMIEMBROS ASISTENTES:\nDon Rogelio Fuentes Arias\nPARTIDO DEL VALLE\n"
        "Doña Marta Soler Ibáñez\nAUSENTES:\nDon Hugo Zamora Rey\n\nSe abre la sesión a las 10 "
        "horas con el orden del día previsto por la presidencia."
    )
    found = names(text)
    assert "Hugo Zamora Rey" not in found
    assert "Partido del Valle" not in found


def test_a_roll_call_and_a_name_broken_over_lines() -> None:
    text = (
        "Acta de sesión\nRegidora Carla Núñez Poma presente\nRegidor Iván Quilla Soto presente\n"
        "Regidor Eloy Vargas Tito ausente\n"
    )
    assert names(text) == ["Carla Núñez Poma", "Iván Quilla Soto"]
    pleno = "CONCEJALES:\nD.\nRAMIRO\nESTEBAN\nPALAU\nGIL.\nD. ANDRÉS ROCA SIERRA.\n"
    assert names(pleno) == ["Ramiro Esteban Palau Gil", "Andrés Roca Sierra"]


def test_a_count_when_no_names_are_given() -> None:
    parsed = parse_minutes(
        "Acta de la asamblea\nCon la asistencia de 23 socios se abre la sesión.", today=TODAY
    )
    assert parsed.attendees == []
    assert parsed.attendee_count == 23
    summed = parse_minutes(
        "Acta\nSe reunieron los comuneros: siete (7) mujeres y nueve (9) varones.", today=TODAY
    )
    assert summed.attendee_count == 16
    assert (
        parse_minutes("Fecha: 5 de junio de 2026\nAsistentes:\n", today=TODAY).attendee_count
        is None
    )


def test_a_name_table_attaches_the_institution_after_each_name() -> None:
    text = "NOMBRES Y APELLIDOS\nINSTITUCIÓN\nNora Vilca Ramos\nRed Andina\nLeón Paz Cuba\nCEDAL\n"
    parsed = parse_minutes(text, today=TODAY)
    assert [(a.name, a.organization) for a in parsed.attendees] == [
        ("Nora Vilca Ramos", "Red Andina"),
        ("León Paz Cuba", "CEDAL"),
    ]


def test_a_roll_call_after_a_header_with_a_bracket_left_open() -> None:
    text = (
        "Municipio Distrital (Acta N° 3 de\n\nACTA DE SESIÓN ORDINARIA\n"
        "Siendo las 9.00 a.m. el Secretario procede a tomar la asistencia, como sigue:\n"
        "Regidora Clara Huamán Rojas presente\nRegidor Óscar Llerena Vela presente\n"
        "Regidor Mauro Tincopa Sulca ausente\n"
    )
    assert names(text) == ["Clara Huamán Rojas", "Óscar Llerena Vela"]


def test_a_list_under_sub_headings_with_items_in_brackets() -> None:
    text = (
        "1. LISTA DE ASISTENCIA\nAUTORIDADES:\n"
        "Dr. Anselmo Ruiz Tapia (Rector), la Dra. Ingrid Paz Lora (Vicerrectora de\n"
        "Investigación y Posgrado).\nDECANOS:\nÁrea de Ciencias Básicas\n"
        "Dra. Olga Ramos Vidal (Ing. Química, Textil y de Materiales).\n"
        "REPRESENTANTES ESTUDIANTILES\n"
        "Luis Ccahua Mendo (Medicina y Salud), Lic. Irma\nSoto Barrios (Economía).\n"
    )
    assert names(text) == [
        "Anselmo Ruiz Tapia",
        "Ingrid Paz Lora",
        "Olga Ramos Vidal",
        "Luis Ccahua Mendo",
        "Irma Soto Barrios",
    ]


def test_an_institution_in_capitals_before_a_titled_name_and_an_initial() -> None:
    parsed = parse_minutes(
        "Acta\nPARTICIPANTES\nFRENTE VECINAL UNIDO Dr. Arturo Meza Colque\n"
        "Embajador Rolando Fierro\nSINDICATO TEXTIL Dr. Hernán B. Quispe\n"
        "Ing. Delia Choque Mamani\n",
        today=TODAY,
    )
    assert [(a.name, a.organization) for a in parsed.attendees] == [
        ("Arturo Meza Colque", "FRENTE VECINAL UNIDO"),
        ("Embajador Rolando Fierro", None),
        ("Hernán B. Quispe", "SINDICATO TEXTIL"),
        ("Delia Choque Mamani", None),
    ]


def test_a_roll_call_in_a_sentence_takes_only_the_marked_present() -> None:
    text = (
        "SESIÓN ORDINARIA DEL 4 DE MARZO DE 2026. Se pasa lista a los señores regidores: "
        "Aurelio Campos Vidal (Presente), Noemí Ibáñez Ruiz (Presente), Fermín Soto Lara "
        "(No se encuentra presente), los señores regidores Ciro Peña Luna y Olga Vera Paz "
        "se encuentran de licencia, Marta Gil Ramos (Presente)."
    )
    assert names(text) == ["Aurelio Campos Vidal", "Noemí Ibáñez Ruiz", "Marta Gil Ramos"]


def test_a_list_after_presentes_goes_on_after_full_stops() -> None:
    text = (
        "Acta de la sesión del 2 de febrero de 2026. MIEMBROS PRESENTES: REGIDORES: Señor "
        "Hugo Lara Mena (Presidente), señora Inés Roca Díaz. SINDICOS PRESENTES: Señor Iván "
        "Solano Rey, síndico San Pedro. Señora Lidia Mora Paz, síndica Santa Ana. AGENDA "
        "Una vez aprobada se inicia la sesión con el Señor Tomás Vega Ruiz."
    )
    assert names(text) == [
        "Hugo Lara Mena",
        "Inés Roca Díaz",
        "Iván Solano Rey",
        "Lidia Mora Paz",
    ]


def test_stacked_glued_titles_and_an_ordinal_given_name() -> None:
    text = (
        "ACTA NUMERO DOS. Reunidos en el Salón de Sesiones, LIC.ERNESTO BRAVO LUNA, Alcalde; "
        "MYR. LIC. ANA SILVA MORA, 1º Regidor Propietario; Dña. Rosa Gil Paz; "
        "Dr. Segundo Ortiz Vela, Procurador; Ab. Raúl Peña Cano."
    )
    assert names(text) == [
        "Ernesto Bravo Luna",
        "Ana Silva Mora",
        "Rosa Gil Paz",
        "Segundo Ortiz Vela",
        "Raúl Peña Cano",
    ]


def test_a_list_of_surnames_alone_after_a_formula_of_attendance() -> None:
    text = (
        "Sesión ordinaria del 3 de marzo de 1920.\n"
        "Asistencia de los C.C. Olmedo, Dr. Barragán, Quintero, Salcedo Pedro y Robles.\n"
        "Abierta la sesión se leyó el acta."
    )
    assert names(text) == ["Olmedo", "Barragán", "Quintero", "Salcedo Pedro", "Robles"]


def test_a_sentence_of_two_surnames_is_no_list_of_surnames() -> None:
    text = "Sesión del 3 de marzo de 2026. Asisten Olmedo y Barragán. Se leyó el acta."
    assert names(text) == []


def test_an_ellipsis_does_not_hide_who_presides() -> None:
    text = (
        "SESIÓN ORDINARIA … 5 DE MAYO DE 2026 PRESIDIDA POR EL SEÑOR ALCALDE Econ. "
        "ELENA RÍOS DE LA VEGA. Se abre la sesión."
    )
    assert names(text) == ["Elena Ríos de la Vega"]
