"""The VibeLux data contract: the JSON Schema files in schemas/ and the one validator for them.

The schema files are the single source of the contract: the plugin validates
every webhook, pulled page and uploaded file against them, and the test
stand-in of the VibeLux API (tests/vibelux_standin.py) validates what it
serves against the same files. docs/vibelux.md describes each record.

Numbers are parsed as Decimal (``loads``) so that a yield of 12.3 kg stays
12.3 and never becomes 12.299999.
"""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_PREFIX = "urn:vibelux:v1:"
# Names of the schema files (without .json); each file's $id is SCHEMA_PREFIX + name.
RECORDS = ("facility", "grow_room", "crop_cycle", "harvest", "sensor_summary", "energy_use")
DOCUMENTS = ("webhook_event", "page", "upload")


class ContractError(ValueError):
    """A payload broke the contract. ``problems`` lists one message per broken rule."""

    def __init__(self, problems, what="payload"):
        self.problems = list(problems)
        self.what = what
        super().__init__(f"{what} rejected: " + "; ".join(self.problems))


def _check_date(value):
    if not isinstance(value, str):
        return True
    date.fromisoformat(value)
    return len(value) == 10


def _check_datetime(value):
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    # A timestamp without a zone is ambiguous across the two systems: refuse it.
    return parsed.tzinfo is not None and "T" in value


FORMAT_CHECKER = FormatChecker(formats=())
FORMAT_CHECKER.checks("date", raises=ValueError)(_check_date)
FORMAT_CHECKER.checks("date-time", raises=ValueError)(_check_datetime)


@lru_cache(maxsize=None)
def schema(name):
    """The parsed schema file ``schemas/<name>.json``."""
    if name not in RECORDS + DOCUMENTS:
        raise LookupError(f"{name!r} is not a VibeLux schema; known: {', '.join(RECORDS + DOCUMENTS)}")
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _registry():
    resources = [(schema(name)["$id"], Resource.from_contents(schema(name))) for name in RECORDS + DOCUMENTS]
    return Registry().with_resources(resources)


@lru_cache(maxsize=None)
def validator(name):
    return Draft202012Validator(schema(name), registry=_registry(), format_checker=FORMAT_CHECKER)


def _where(error, prefix):
    parts = [prefix] if prefix else []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(str(part))
    if error.validator == "required":
        # jsonschema reports a missing field on its parent; name the field itself.
        missing = [p for p in error.validator_value if isinstance(error.instance, dict) and p not in error.instance]
        if missing:
            parts.append(missing[0])
    return ".".join(parts) or "(top level)"


def problems(name, payload, prefix=None):
    """Messages for every rule ``payload`` breaks in schema ``name``: 'field: what is wrong (rule: keyword)'."""
    found = []
    for error in sorted(validator(name).iter_errors(payload), key=lambda e: [str(p) for p in e.absolute_path]):
        message = error.message
        if len(message) > 200:
            message = message[:197] + "..."
        found.append(f"{_where(error, prefix if prefix is not None else name)}: {message} (rule: {error.validator})")
    return found


def validate(name, payload, prefix=None):
    """Raise ContractError naming every broken field and rule; return ``payload`` when it is valid."""
    found = problems(name, payload, prefix)
    if found:
        raise ContractError(found, what=prefix or name)
    return payload


def loads(text):
    """Parse JSON text with Decimal numbers; a syntax error becomes a ContractError with the line."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ContractError([f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"], "file") from None


def dumps(payload):
    """JSON text for a payload (Decimals written as numbers), the inverse of ``loads``."""
    return json.dumps(payload, default=_json_default, separators=(",", ":"))


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def csv_rows(text, record="harvest"):
    """Rows of a CSV file as dicts typed by the record's schema: ``[(line_number, row, problems)]``.

    Empty cells are left out (so an optional field may be blank); a cell that
    cannot be read as the schema's type is reported with its column.
    """
    properties = schema(record)["properties"]
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ContractError(["the CSV file is empty; the first line must name the columns"], "file")
    unknown = [name for name in reader.fieldnames if name not in properties]
    if unknown:
        raise ContractError(
            [f"line 1: unknown column(s) {', '.join(unknown)}; the columns are the {record} fields: "
             f"{', '.join(properties)}"],
            "file",
        )
    rows = []
    for row in reader:
        typed, row_problems = {}, []
        for column, raw in row.items():
            if column is None:
                row_problems.append(f"more cells than the {len(reader.fieldnames)} columns")
                continue
            raw = (raw or "").strip()
            if raw == "":
                continue
            kind = properties[column].get("type")
            if kind == "number":
                try:
                    typed[column] = Decimal(raw)
                except InvalidOperation:
                    row_problems.append(f"{column}: {raw!r} is not a number")
            elif kind == "integer":
                try:
                    typed[column] = int(raw)
                except ValueError:
                    row_problems.append(f"{column}: {raw!r} is not a whole number")
            else:
                typed[column] = raw
        rows.append((reader.line_num, typed, row_problems))
    return rows
