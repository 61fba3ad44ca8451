"""Bringing existing registers in (issue 13 §4).

Two formats: Qorgan's register template (XLSX or CSV; headers in Kazakh, Russian or English,
``REGISTER_COLUMNS``) and HTCDS 2.0 CSV (``HTCDS_COLUMNS``: the fields of Qorgan's own HTCDS
export, ``monitoring.htcds``, and the standard's person fields another system may send).

The flow: the upload is refused at once when it is over the limits (bytes; an XLSX's sheet
size and declared rows; rows counted while streaming, ``core.spreadsheet.read_rows``); a dry
run imports every row inside a transaction that is rolled back and reports each row's problems
by row and column in the user's language; the confirmed import runs in the task system
(``cases.import_register``) from the file stored encrypted, all or nothing, audited, with the
duplicate check applied to each person; the stored file is deleted when it ends. The mechanism
(stored upload, job status, queue, delete after) is ``core.importjobs``, shared with the
labour-migration indicators' import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.core import audit, importjobs
from qorgan.core.audit_actions import AuditAction
from qorgan.core.importjobs import Problem, Refused, check_size, max_bytes
from qorgan.core.spreadsheet import SpreadsheetLimitError, read_rows, to_csv
from qorgan.knowledge.catalogue import default_catalogue

from . import duplicates, services
from .models import Case, ImportJob, Sex
from .selectors import as_uuid


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 2000))


__all__ = ["Problem", "max_bytes"]  # the cases app's names of the shared ones


# field → (English, Russian, Kazakh) headers; any of them (or the field's code) is accepted.
REGISTER_COLUMNS: dict[str, tuple[str, str, str]] = {
    "register_number": ("Number in the register", "Номер в реестре", "Тізілімдегі нөмірі"),
    "surname": ("Surname", "Фамилия", "Тегі"),
    "given_name": ("Given name", "Имя", "Аты"),
    "patronymic": ("Patronymic", "Отчество", "Әкесінің аты"),
    "date_of_birth": ("Date of birth", "Дата рождения", "Туған күні"),
    "sex": ("Sex", "Пол", "Жынысы"),
    "citizenship": ("Citizenship", "Гражданство", "Азаматтығы"),
    "iin": ("IIN", "ИИН", "ЖСН"),
    "passport_number": ("Passport number", "Номер паспорта", "Паспорт нөмірі"),
    "phone": ("Phone", "Телефон", "Телефон нөмірі"),
    "address": ("Address", "Адрес", "Мекенжайы"),
    "region": ("Region", "Регион", "Өңір"),
    "exploitation_forms": ("Forms of exploitation", "Формы эксплуатации", "Қанау нысандары"),
}
COLUMN_HELP = {
    "register_number": gettext_lazy("your own number of the record (kept in the audit trail)"),
    "date_of_birth": gettext_lazy("YYYY-MM-DD, DD.MM.YYYY, or YYYY"),
    "sex": gettext_lazy("female, male or not known, in any of the three languages"),
    "citizenship": gettext_lazy("KZ, another ISO 3166-1 alpha-2 code, stateless or unknown"),
    "iin": gettext_lazy("12 digits"),
    "region": gettext_lazy("ISO 3166-2:KZ code, e.g. KZ-75"),
    "exploitation_forms": gettext_lazy(
        "one or more forms of exploitation from the catalogue, separated by ';'"
    ),
}
# HTCDS 2.0 field → Qorgan field (monitoring.htcds writes these; the person fields are the
# standard's, which a de-identified Qorgan export leaves out).
HTCDS_COLUMNS = {
    "Id": "register_number",
    "prs_SecondName": "surname",
    "prs_FirstName": "given_name",
    "prs_MiddleName": "patronymic",
    "prs_Birthdate": "date_of_birth",
    "prs_Gender": "sex",
    "prs_Citizenship": "citizenship",
    "prs_IdentityNumber": "iin",
    "prs_MobilePhone": "phone",
    "vic_TypeOfExploitation": "exploitation_forms",
    "per_RoleInProcess": "perpetrator_roles",
}
HTCDS_GENDER = {"Feminine": "female", "Masculine": "male", "NonSpecifiedUnknown": "unknown"}
HTCDS_EXPLOITATION = {  # the export's values that name one Qorgan form only
    "ForcedLabour": "forced_labour",
    "SexualExploitation": "sexual_exploitation",
    "ForcedBegging": "forced_begging",
    "Servitude": "other_ownership_powers",
}
HTCDS_ROLES = {
    "RecruiterOrIntermediary": "recruiter_or_intermediary",
    "Transporter": "transporter",
    "HarbouredIndividual": "harbourer",
    "Exploiter": "exploiter",
    "ControlledIndividual": "controller",
    "BrokerTravelAgent": "broker_travel_agent",
    "Kidnapper": "kidnapper",
    "Abuser": "abuser",
    "Other": "other",
}
PERSON_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "date_of_birth",
    "sex",
    "citizenship",
    "iin",
    "passport_number",
    "phone",
    "address",
)
DATE_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


@dataclass
class Outcome:
    rows: int
    problems: list[Problem]
    cases: list[Case]
    alerts: int


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _register_headers() -> dict[str, str]:
    known = {}
    for field, labels in REGISTER_COLUMNS.items():
        known[_norm(field)] = field
        for label in labels:
            known[_norm(label)] = field
    return known


def _sex_words() -> dict[str, str]:
    words = {
        "female": "female",
        "f": "female",
        "ж": "female",
        "жен": "female",
        "male": "male",
        "m": "male",
        "м": "male",
        "муж": "male",
        "ер": "male",
        "unknown": "unknown",
        "": "unknown",
    }
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            for value, label in Sex.choices:
                words[_norm(str(label))] = value
    return words


def _forms() -> dict[str, str]:
    words: dict[str, str] = {}
    for entry in default_catalogue().of_kind("exploitation_form"):
        words[_norm(entry.code)] = entry.code
        for text in (entry.text, entry.short):
            if text is not None:
                for language in ("kk", "ru", "en"):
                    words[_norm(getattr(text, language))] = entry.code
    return words


def _date(value: str) -> str:
    match = DATE_DMY.match(value)
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    match = DATE_TIME.match(value)
    return match.group(1) if match else value


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]


def _rows(fmt: str, name: str, content: bytes) -> Iterator[list[str]]:
    check_size(len(content))
    if fmt == ImportJob.Format.HTCDS and not name.lower().endswith(".csv"):
        raise SpreadsheetLimitError(_("an HTCDS 2.0 file is a .csv file"))
    return read_rows(name, content, max_rows=max_rows())


def _columns(fmt: str, header: list[str]) -> tuple[dict[int, str], list[Problem]]:
    """Column index → Qorgan field; unknown and repeated headers are problems of row 1."""
    known = (
        {_norm(k): v for k, v in HTCDS_COLUMNS.items()}
        if fmt == ImportJob.Format.HTCDS
        else _register_headers()
    )
    columns: dict[int, str] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, title in enumerate(header):
        field = known.get(_norm(title))
        if not title.strip():
            continue
        if field is None:
            if fmt == ImportJob.Format.HTCDS:
                continue  # the standard has many fields Qorgan does not keep: not read
            problems.append(Problem(1, title, _("unknown column: see the template")))
        elif field in seen:
            problems.append(Problem(1, title, _("this column is there twice")))
        else:
            seen.add(field)
            columns[index] = field
    if not columns and not problems:
        problems.append(Problem(1, "", _("no column of the template was found in the first row")))
    return columns, problems


def _convert(
    fmt: str, values: dict[str, str], sexes: dict[str, str], forms: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(person data, case details, errors by field) of one row."""
    person: dict[str, Any] = {}
    details: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in PERSON_FIELDS:
        value = values.get(field, "")
        if not value:
            continue
        if field == "date_of_birth":
            value = _date(value)
        elif field == "sex":
            if fmt == ImportJob.Format.HTCDS:
                value = HTCDS_GENDER.get(value, value)
            code = sexes.get(_norm(value))
            if code is None:
                errors[field] = str(COLUMN_HELP["sex"])
                continue
            value = code
        elif field == "citizenship" and fmt == ImportJob.Format.HTCDS:
            value = _split(value)[0] if _split(value) else value  # a multiselect: the first
        person[field] = value
    raw_forms = _split(values.get("exploitation_forms", ""))
    if raw_forms:
        if fmt == ImportJob.Format.HTCDS:
            codes = [HTCDS_EXPLOITATION.get(v) for v in raw_forms if v != "Other"]
        else:
            codes = [forms.get(_norm(v)) for v in raw_forms]
        if any(code is None for code in codes):
            errors["exploitation_forms"] = str(COLUMN_HELP["exploitation_forms"])
        else:
            details["exploitation_forms"] = sorted({c for c in codes if c})
    raw_roles = _split(values.get("perpetrator_roles", ""))
    if raw_roles:
        roles = [HTCDS_ROLES.get(v) for v in raw_roles]
        if any(role is None for role in roles):
            errors["perpetrator_roles"] = _("unknown role")
        else:
            details["perpetrator_roles"] = sorted({r for r in roles if r})
    if values.get("region"):
        details["region"] = values["region"].upper()
    if fmt == ImportJob.Format.REGISTER and not (
        (person.get("surname") and person.get("given_name"))
        or person.get("iin")
        or person.get("passport_number")
    ):
        errors[""] = _("a row needs the surname and given name, or an IIN, or a passport number")
    return person, details, errors


def _import(user: Any, fmt: str, name: str, content: bytes) -> Outcome:
    """Every row, each in its own savepoint; the caller decides to keep or roll back."""
    rows = _rows(fmt, name, content)
    header = next(rows, None)
    if header is None:
        return Outcome(0, [Problem(1, "", _("the file is empty"))], [], 0)
    columns, problems = _columns(fmt, header)
    titles = {field: header[index] for index, field in columns.items()}
    sexes, forms = _sex_words(), _forms()
    cases: list[Case] = []
    alerts = 0
    count = 0
    seen_iin: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        values = {
            field: cells[index].strip() for index, field in columns.items() if index < len(cells)
        }
        if not any(values.values()):
            continue
        count += 1
        person, details, errors = _convert(fmt, values, sexes, forms)
        for field, message in errors.items():
            problems.append(Problem(number, titles.get(field, ""), message))
        if person.get("iin"):
            earlier = seen_iin.setdefault(person["iin"], number)
            if earlier != number:
                problems.append(
                    Problem(
                        number,
                        titles.get("iin", ""),
                        _("the same IIN as row %(row)s") % {"row": earlier},
                    )
                )
        row_problems = [p for p in problems[-2:] if p.row == number]
        found: list[tuple[str, str]] = []
        with transaction.atomic():  # a savepoint per row: a row with a problem leaves nothing
            case = services.open_case(organisation=user.organisation, by=user)
            try:
                case = services.update_person(
                    user=user, case=case, expected_version=1, data=person, check_duplicates=False
                )
            except ValidationError as exc:
                found += [(f, m) for f, messages in exc.message_dict.items() for m in messages]
            if details:
                try:
                    case = services.update_case_details(
                        user=user, case=case, expected_version=case.version, data=details
                    )
                except ValidationError as exc:
                    found += [(f, m) for f, messages in exc.message_dict.items() for m in messages]
            problems += [Problem(number, titles.get(f, f), m) for f, m in found]
            if found or errors or row_problems:
                transaction.set_rollback(True)
                continue
            alerts += duplicates.check_person(user=user, case=case, limited=False).alerts
            cases.append(case)
    return Outcome(count, problems, cases, alerts)


def may_import(user: Any) -> bool:
    return (
        allowed("screening.create", user)
        and getattr(user, "role", None) in (Role.CASE_MANAGER, Role.SUPERVISOR)
        and bool(getattr(user, "organisation_id", None))
    )


def dry_run(*, user: Any, fmt: str, name: str, content: bytes) -> ImportJob:
    """Check the file by importing it in a transaction that is rolled back; store it encrypted
    for the import. Raises ``SpreadsheetLimitError`` at once for a file over the limits."""
    if not may_import(user):
        raise PermissionDenied(_("only a case manager or supervisor imports a register"))
    if fmt not in ImportJob.Format.values:
        raise ValidationError({"fmt": [_("choose the file's format")]})
    importjobs.discard_unconfirmed(ImportJob)
    with transaction.atomic():
        outcome = _import(user, fmt, name, content)
        transaction.set_rollback(True)  # a dry run: nothing of it is kept
    job = ImportJob.objects.create(
        organisation=user.organisation,
        requested_by=user,
        fmt=fmt,
        file_name=name[-200:],
        rows=outcome.rows,
        problems=importjobs.problems_of(outcome.problems),
        alerts=outcome.alerts,
    )
    if not outcome.problems and outcome.rows:
        importjobs.keep(job, content, folder="imports")
    audit.record(
        actor=user,
        action=AuditAction.IMPORT_CHECK,
        object_type="cases.ImportJob",
        object_id=job.pk,
        detail={"format": fmt, "rows": outcome.rows, "problems": len(outcome.problems)},
    )
    return job


def job_for(user: Any, job_id: Any) -> ImportJob | None:
    pk = as_uuid(job_id)
    if pk is None or not may_import(user):
        return None
    return ImportJob.objects.filter(pk=pk, organisation_id=user.organisation_id).first()


def confirm(*, user: Any, job: ImportJob) -> ImportJob:
    if not may_import(user) or job.organisation_id != user.organisation_id:
        raise PermissionDenied(_("only a case manager or supervisor imports a register"))
    return importjobs.queue(job, task="cases.import_register")


def _work(job: ImportJob, content: bytes) -> None:
    """All rows or none (inside the task's transaction), audited."""
    outcome = _import(job.requested_by, job.fmt, job.file_name, content)
    if outcome.problems:
        raise Refused(outcome.problems)
    audit.record(
        actor=job.requested_by,
        action=AuditAction.IMPORT,
        object_type="cases.ImportJob",
        object_id=job.pk,
        detail={
            "format": job.fmt,
            "cases": [c.reference for c in outcome.cases],
            "possible_duplicates": outcome.alerts,
        },
    )
    job.created, job.alerts = len(outcome.cases), outcome.alerts


def run_import(job_id: str, language: str = "") -> None:
    """The task: all rows or none; the stored file is deleted whatever the result."""
    importjobs.run(ImportJob, job_id, language, _work)


def template_csv(language: str) -> bytes:
    """The register template: the headers in ``language`` and one example row."""
    index = {"en": 0, "ru": 1, "kk": 2}.get(language, 0)
    header = [labels[index] for labels in REGISTER_COLUMNS.values()]
    example = [
        "17",
        "Серікова",
        "Әсел",
        "",
        "14.03.2009",
        "female",
        "KZ",
        "",
        "",
        "",
        "",
        "KZ-75",
        "forced_labour",
    ]
    return to_csv(header, [example])
