"""Learning records read from files: JSON Lines (one object a line, its ``type`` naming the
record type) or a folder of CSV files named by type (``course.csv``, ``module.csv``, ...,
``user.csv``), each with a header of field names.

Reading never stops at the first mistake: every record is checked (``records.parse_record``)
and every problem is kept with its line (and, in a folder, its file's name).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from mentor_tui.core.learning.records import (
    ALLOWED,
    FIELDS,
    KINDS,
    Place,
    Problem,
    Record,
    parse_record,
)
from mentor_tui.errors import UserError

Parsed = tuple[list[Record], list[Problem]]


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"There is no file or folder {str(path)!r}.") from None
    except UnicodeDecodeError:
        raise UserError(f"{str(path)!r} is not UTF-8 text; save the {what} as UTF-8.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {str(path)!r}: {exc.strerror}.") from None


def read_jsonl(text: str) -> Parsed:
    records: list[Record] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        place = Place("", number)
        try:
            raw: Any = json.loads(line)
        except ValueError as exc:
            message = getattr(exc, "msg", str(exc))
            problems.append(Problem(place, "", f"this is not a JSON object ({message})."))
            continue
        if not isinstance(raw, dict):
            problems.append(Problem(place, "", "this is not a JSON object with a type."))
            continue
        record, found = parse_record(raw, place)
        problems += found
        if record is not None:
            records.append(record)
    return records, problems


def read_csv(text: str, kind: str, name: str) -> Parsed:
    """The records of one CSV file of ``kind``; the header is checked once, not on every row."""
    records: list[Record] = []
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    start = 1
    try:
        for row in reader:
            here = Place(name, start)
            start = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if not header:
                header = [cell.strip().lower() for cell in row]
                problems += _header_problems(header, kind, here)
                if problems:
                    return [], problems
                continue
            if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
                problems.append(
                    Problem(here, "", "it has more values than the header has columns.")
                )
                continue
            raw = {column: cell for column, cell in zip(header, row, strict=False)}
            record, found = parse_record(raw, here, kind)
            problems += found
            if record is not None:
                records.append(record)
    except csv.Error as exc:
        problems.append(
            Problem(Place(name, reader.line_num), "", f"this is not valid CSV ({exc}).")
        )
    return records, problems


def _header_problems(header: list[str], kind: str, place: Place) -> list[Problem]:
    problems = [
        Problem(
            place, column, f"a {kind} has no such field; its fields are {', '.join(ALLOWED[kind])}."
        )
        for column in header
        if column not in ALLOWED[kind]
    ]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(place, column, "this column appears twice."))
        seen.add(column)
    needed = ["id", *(name for name, spec in FIELDS[kind].items() if spec.required)]
    if kind == "submission" and not {"submitted_at", "created_at"} & set(header):
        needed.append("submitted_at")
    problems += [
        Problem(place, column, f"the header lacks this column, which every {kind} needs.")
        for column in needed
        if column not in header
    ]
    return problems


def read_folder(folder: Path) -> Parsed:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    unknown = [p.name for p in files if p.stem.lower() not in KINDS]
    if unknown:
        raise UserError(
            f"{unknown[0]!r} in {str(folder)!r} is not named by a record type; the files are "
            + ", ".join(f"{kind}.csv" for kind in KINDS)
            + "."
        )
    if not files:
        raise UserError(
            f"{str(folder)!r} has no CSV files; name them by record type, like course.csv."
        )
    records: list[Record] = []
    problems: list[Problem] = []
    for path in files:
        found, bad = read_csv(_read_text(path, "CSV file"), path.stem.lower(), path.name)
        records += found
        problems += bad
    return records, problems


def read_path(path: Path) -> Parsed:
    """The records and problems of a JSON Lines file or a folder of CSV files."""
    if path.is_dir():
        return read_folder(path)
    return read_jsonl(_read_text(path, "file"))
