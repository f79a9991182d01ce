"""Minutes importer accuracy: how many of the facts that real minutes state the importer finds.

Runs the corpus (``minka/meetings/minutes/tests/fixtures/corpus/``, see its ``SOURCES.md``)
through the importer three ways, as coordinators bring minutes:

- ``text``: the ``.txt``/``.md`` file as it is, read by the importer's text format;
- ``docx`` and ``odt``: a Word or OpenDocument file made from it (one paragraph per line;
  runs of table rows, written with ``|`` or tabs, become a real table), read back by the
  importer in the sandbox;
- ``pdf``: an A4 PDF made from it by WeasyPrint (11 pt and 2 cm margins, so long lines wrap
  as a PDF wraps them; table rows become a table), read back through its text layer.

The builders are the importer tests' (:mod:`minka.meetings.minutes.tests.importer_documents`).

Each is scored against the hand-checked facts (:mod:`minka.meetings.minutes.tests.corpus`
says how) and the accuracy is printed per field and overall, with the parse time per file
(median, text already extracted) and the machine; then a JSON line with the same figures::

    MINKA_TESTING=1 .venv/bin/python bench/importer_accuracy.py [--formats text,docx,odt,pdf] [-v]

Overall is also given apart for the minutes the parser was grown on and for those held out
(:data:`~minka.meetings.minutes.tests.corpus.HELD_OUT`), which say how it reads minutes it was
not tuned on. ``-v`` lists every fact missed. DOCX, ODT and PDF are skipped (and said so)
when python-docx, odfpy or WeasyPrint cannot be imported. Targets (issue 17): overall
>= 90 %, place and attendee count >= 85 %, date >= 95 %, well under 50 ms per page of text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 1)  # "today" for dates written without a year: fixed, so runs agree
FORMATS = ("text", "docx", "odt", "pdf")
PAGE_CHARS = 3000  # about one A4 page of minutes' text


def available(kind: str) -> bool:
    module = {"text": None, "docx": "docx", "odt": "odf", "pdf": "weasyprint"}[kind]
    if module is None:
        return True
    try:
        __import__(module)
    except (ImportError, OSError):
        return False
    return True


def run(kinds: list[str], *, verbose: bool) -> dict[str, object]:
    from bench.importer import machine
    from minka.meetings.minutes.importers.formats import read_minutes
    from minka.meetings.minutes.importers.spanish import parse_minutes
    from minka.meetings.minutes.tests import corpus
    from minka.meetings.minutes.tests.importer_documents import (
        docx_from_text,
        odt_from_text,
        pdf_from_text,
    )

    builders = {
        "docx": partial(docx_from_text, tables=True),
        "odt": partial(odt_from_text, tables=True),
        "pdf": partial(pdf_from_text, font_size="11pt", margin="2cm", tables=True),
    }

    files = corpus.corpus_files()
    results: dict[str, object] = {"files": len(files)}
    timings: list[float] = []
    per_page: list[float] = []
    crashes = 0
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            facts = []
            for path in files:
                source = path.read_text(encoding="utf-8")
                if kind == "text":
                    target = path
                else:
                    target = Path(tmp) / f"{path.stem}.{kind}"
                    builders[kind](source, target)
                try:
                    text = read_minutes(target, filename=target.name)
                except Exception as error:  # reported, never hidden: a crash is a figure
                    crashes += 1
                    print(f"  {kind} {path.name}: unreadable ({error})", file=sys.stderr)
                    continue
                started = time.perf_counter()
                parsed = parse_minutes(text, today=TODAY)
                elapsed = (time.perf_counter() - started) * 1000
                if kind == "text":
                    timings.append(elapsed)
                    per_page.append(elapsed / max(1.0, len(text) / PAGE_CHARS))
                facts.extend(corpus.score(path.name, parsed, corpus.expected_facts(path)))
            results[kind] = {key: round(value, 3) for key, value in corpus.summary(facts).items()}
            held_out = [fact for fact in facts if fact.file in corpus.HELD_OUT]
            results[f"{kind}_held_out"] = round(corpus.summary(held_out)["overall"], 3)
            results[f"{kind}_tuned_on"] = round(
                corpus.summary([f for f in facts if f.file not in corpus.HELD_OUT])["overall"], 3
            )
            results[f"{kind}_facts"] = len(facts)
            if verbose:
                for fact in facts:
                    if fact.score < 1:
                        print(
                            f"  {kind} {fact.file} {fact.field} {fact.score:.2f}: "
                            f"expected {fact.expected!r}, found {fact.found!r}"
                        )
    results["crashes"] = crashes
    results["parse_median_ms"] = round(statistics.median(timings), 2) if timings else None
    results["parse_max_ms_per_page"] = round(max(per_page), 2) if per_page else None
    results["machine"] = machine()
    results["python"] = platform.python_version()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("MINKA_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    import django

    django.setup()
    for noisy in ("weasyprint", "fontTools"):  # one line per glyph table otherwise
        logging.getLogger(noisy).setLevel(logging.ERROR)
    kinds = []
    for kind in args.formats.split(","):
        if kind not in FORMATS:
            parser.error(f"unknown format {kind!r}; choose from {', '.join(FORMATS)}")
        if available(kind):
            kinds.append(kind)
        else:
            print(f"{kind}: skipped (its library cannot be imported here)")
    result = run(kinds, verbose=args.verbose)
    print(f"corpus        {result['files']} minutes")
    from minka.meetings.minutes.tests.corpus import FIELDS

    header = "field".ljust(16) + "".join(kind.rjust(8) for kind in kinds)
    print(header)
    for field in (*FIELDS, "overall"):
        row = field.ljust(16)
        for kind in kinds:
            value = result[kind].get(field)  # type: ignore[attr-defined]
            row += (f"{value * 100:7.1f}%" if value is not None else "       -").rjust(8)
        print(row)
    for label, key in (("  tuned on", "tuned_on"), ("  held out", "held_out")):
        figures = [float(str(result[f"{kind}_{key}"])) * 100 for kind in kinds]
        print(label.ljust(16) + "".join(f"{figure:7.1f}%".rjust(8) for figure in figures))
    counts = ", ".join(f"{kind} {result[kind + '_facts']}" for kind in kinds)
    print(f"facts         {counts}")
    print(f"crashes       {result['crashes']}")
    print(
        f"parse         median {result['parse_median_ms']} ms per file, "
        f"worst {result['parse_max_ms_per_page']} ms per page of text"
    )
    print(f"machine       {result['machine']}; Python {result['python']}")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
