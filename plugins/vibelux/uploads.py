"""File imports for growers without an API connection: JSON or CSV in the contract's schema.

The whole file is checked before anything is written: every row's problems
are collected (schema rules, then conflicts such as a lot number used twice),
and if any row has one the import stops with the per-row report. Otherwise
every row is applied in one transaction through the same pipeline as the
webhooks, so a failure on the last row still leaves nothing half-imported.
"""

from dataclasses import dataclass, field

from django.db import transaction

from . import contract, ingest


@dataclass
class RowProblem:
    where: str  # "line 4" (CSV) or "harvests[3]" (JSON)
    messages: list

    def __str__(self):
        return f"{self.where}: " + "; ".join(self.messages)


@dataclass
class UploadReport:
    rows: int = 0
    problems: list = field(default_factory=list)
    outcome: object = None

    @property
    def ok(self):
        return not self.problems


class UploadRejected(Exception):
    def __init__(self, report):
        self.report = report
        super().__init__(f"{len(report.problems)} row(s) have problems; nothing was imported")


def read_records(name, text):
    """``[(where, kind, data, problems)]`` from an uploaded file; a file-level fault raises ContractError."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return [
            (f"line {line}", "harvest", row, problems + contract.problems("harvest", row, prefix="harvest"))
            for line, row, problems in contract.csv_rows(text, "harvest")
        ]
    if lowered.endswith(".json"):
        document = contract.loads(text)
        contract.validate("upload", document, prefix="file")
        records = []
        for key, kind in (("crop_cycles", "crop_cycle"), ("harvests", "harvest")):
            for index, item in enumerate(document.get(key, [])):
                where = f"{key}[{index}]"
                records.append((where, kind, item, contract.problems(kind, item, prefix=where)))
        return records
    raise contract.ContractError([f"{name}: upload a .json or .csv file"], "file")


def _duplicates(records):
    seen_ids, seen_lots, found = {}, {}, {}
    for where, kind, data, _ in records:
        if kind != "harvest" or not isinstance(data, dict):
            continue
        for key, seen, label in (("id", seen_ids, "harvest id"), ("lot_number", seen_lots, "lot number")):
            value = data.get(key)
            if value is None:
                continue
            if value in seen:
                found.setdefault(where, []).append(f"{label} {value!r} is also used at {seen[value]}")
            else:
                seen[value] = where
    return found


def import_file(connection, name, text):
    """Import a whole file or nothing; raises UploadRejected with the per-row report."""
    records = read_records(name, text)
    report = UploadReport(rows=len(records))
    duplicates = _duplicates(records)
    for where, _, _, problems in records:
        problems = problems + duplicates.get(where, [])
        if problems:
            report.problems.append(RowProblem(where, problems))
    if not records:
        report.problems.append(RowProblem("file", ["it holds no rows"]))
    if report.problems:
        raise UploadRejected(report)
    outcome = ingest.Outcome()
    appliers = {"crop_cycle": ingest.apply_crop_cycle, "harvest": ingest.apply_harvest}
    with transaction.atomic():
        with ingest.paused_indexing():
            for where, kind, data, _ in records:
                try:
                    with transaction.atomic():  # a savepoint, so later rows still run on PostgreSQL
                        appliers[kind](connection, data, outcome)
                except (contract.ContractError, ingest.IngestError) as exc:
                    report.problems.append(RowProblem(where, [str(exc)]))
        if report.problems:
            raise UploadRejected(report)  # rolls the whole file back
        ingest.after_commit(outcome)
    report.outcome = outcome
    return report
