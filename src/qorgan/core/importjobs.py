"""Spreadsheet imports that run in the task system: one mechanism for every kind of import.

An app's import (the case register, ``cases.imports``; the labour-migration indicators,
``monitoring.services``) keeps its own rows and rules and shares the rest:

1. the upload is refused at once when it is over the limits (``check_size``: the bytes, before
   anything reads it; the rows and an XLSX's sheet size while streaming,
   ``core.spreadsheet.read_rows``);
2. a dry run lists the problems by row and column (``Problem``), in the user's language; a file
   without problems is kept encrypted in the storage (``keep``) for the import;
3. the confirmed import is queued (``queue``) and runs as a task (``core.tasks``: Celery with
   Redis in production, inline on the embedded default) through ``run``, all rows or none;
4. the stored file is deleted whatever the result, and the job records done or failed with
   the problems in the user's language: the bytes never stay after the run.

The job's model derives from ``ImportJobBase`` (abstract: each app keeps its own table).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import tasks
from .crypto import fernet
from .fields import EncryptedJSONField, EncryptedTextField
from .spreadsheet import SpreadsheetLimitError

logger = logging.getLogger(__name__)
KEEP_UNCONFIRMED = timedelta(hours=24)  # a checked file never imported is deleted after this


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024))


def check_size(size: int | None) -> None:
    """Refuse a file over the byte limit before it is read (``size`` as the upload states it)."""
    if size is not None and size > max_bytes():
        raise SpreadsheetLimitError(
            _("the file is too large: at most %(mb)s MB") % {"mb": max_bytes() // (1024 * 1024)}
        )


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1 (0: the whole file)
    column: str  # the header as written in the file ("" for the whole row or file)
    message: str


class Refused(Exception):
    """Raised by an import's work when a row has a problem: nothing of the import is kept."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("the import was refused")
        self.problems = problems


class ImportJobBase(models.Model):
    """An uploaded file: checked row by row (dry run), then imported all or nothing by a task.
    The file is stored encrypted until the import ends, then deleted."""

    class Status(models.TextChoices):
        CHECKED = "checked", gettext_lazy("checked")
        QUEUED = "queued", gettext_lazy("being imported")
        DONE = "done", gettext_lazy("imported")
        FAILED = "failed", gettext_lazy("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = EncryptedTextField(max_length=200)  # a file name may name a person
    blob = models.CharField(max_length=200, blank=True, help_text="storage name of the file")
    status = models.CharField(
        gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.CHECKED
    )
    rows = models.PositiveIntegerField(gettext_lazy("rows"), default=0)
    problems = EncryptedJSONField(default=list, blank=True)  # rows' problems may quote values
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at"]

    @property
    def running(self) -> bool:
        """Queued or being imported: the job's page asks again until it ends."""
        return self.status == self.Status.QUEUED


Job = TypeVar("Job", bound=ImportJobBase)


def problems_of(problems: list[Problem]) -> Any:
    """The value of a job's ``problems`` (an ``EncryptedJSONField``, typed as a text field)."""
    return [asdict(p) for p in problems]


def keep(job: ImportJobBase, content: bytes, *, folder: str) -> None:
    """Store the checked file encrypted, for the import; ``run`` deletes it."""
    job.blob = default_storage.save(f"{folder}/{job.pk}", ContentFile(fernet().encrypt(content)))
    job.save(update_fields=["blob"])


def discard_unconfirmed(model: type[ImportJobBase], *, now: datetime | None = None) -> int:
    """Delete the stored files of checks never followed by an import within
    ``KEEP_UNCONFIRMED`` (each new check does this); the jobs stay, without their file."""
    cutoff = (now or timezone.now()) - KEEP_UNCONFIRMED
    stale = model._default_manager.filter(
        status=ImportJobBase.Status.CHECKED, requested_at__lt=cutoff
    ).exclude(blob="")
    count = 0
    for job in stale:
        default_storage.delete(job.blob)
        job.blob = ""
        job.save(update_fields=["blob"])
        count += 1
    return count


def queue(job: Job, *, task: str) -> Job:
    """Queue the import of a checked file without problems (the caller checks who may)."""
    with transaction.atomic():
        job = type(job)._default_manager.select_for_update().get(pk=job.pk)
        if job.status != ImportJobBase.Status.CHECKED or job.problems or not job.blob:
            raise ValidationError(
                {"status": [_("only a checked file without problems is imported")]}
            )
        job.status = ImportJobBase.Status.QUEUED
        job.save(update_fields=["status"])
        tasks.enqueue(task, job_id=str(job.pk), language=translation.get_language() or "")
    return job


def run(
    model: type[Job],
    job_id: str,
    language: str,
    work: Callable[[Job, bytes], None],
) -> Job | None:
    """The task: ``work(job, content)`` imports every row inside one transaction and raises
    ``Refused`` for a row's problem (nothing is kept); the stored file is deleted and the job
    ends done or failed whatever happens. Returns the job (None when there was nothing to do)."""
    job: Job | None = (
        model._default_manager.select_related("requested_by").filter(pk=job_id).first()
    )
    if job is None or job.status != ImportJobBase.Status.QUEUED:
        return None
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            with default_storage.open(job.blob, "rb") as handle:
                content = fernet().decrypt(handle.read())
            with transaction.atomic():
                work(job, content)
            job.status = ImportJobBase.Status.DONE
        except Refused as refused:
            job.status = ImportJobBase.Status.FAILED
            job.problems = problems_of(refused.problems)
        except (SpreadsheetLimitError, OSError) as exc:
            job.status = ImportJobBase.Status.FAILED
            job.problems = problems_of([Problem(0, "", str(exc))])
        except (InvalidToken, ValueError):
            job.status = ImportJobBase.Status.FAILED
            job.problems = problems_of([Problem(0, "", _("the stored file cannot be read"))])
        except Exception:  # never left "being imported": the failure is shown, and logged
            logger.exception("import %s failed", job.pk)
            job.status = ImportJobBase.Status.FAILED
            job.problems = problems_of(
                [Problem(0, "", _("the import failed; nothing of the file was saved"))]
            )
        finally:
            if job.blob:
                default_storage.delete(job.blob)
                job.blob = ""
            job.finished_at = timezone.now()
            job.save()
    return job
