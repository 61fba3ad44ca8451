"""Documents attached to a case: type sniffed from the content, encrypted at rest."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.crypto import fernet

from .models import (
    Attachment,
    Case,
)
from .service_base import _require

ATTACHMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def sniff_type(head: bytes) -> str | None:
    for magic, content_type in ATTACHMENT_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def add_attachment(*, user: User, case: Case, name: str, content: bytes) -> Attachment:
    """Store a PDF, PNG or JPEG (checked by its content, not its name), encrypted."""
    _require("case.record_service", user, case, "you cannot add documents to this case")
    limit = settings.ATTACHMENT_MAX_BYTES
    if not content:
        raise ValidationError({"file": [_("the file is empty")]})
    if len(content) > limit:
        raise ValidationError(
            {
                "file": [
                    _("the file is larger than %(megabytes)d MB")
                    % {"megabytes": limit // (1024 * 1024)}
                ]
            }
        )
    content_type = sniff_type(content[:16])
    if content_type is None:
        raise ValidationError({"file": [_("only PDF, PNG and JPEG files are accepted")]})
    attachment = Attachment(
        case=case,
        name=(name or "document").strip()[:200],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
    )
    attachment.blob = default_storage.save(
        f"attachments/{attachment.id}", ContentFile(fernet().encrypt(content))
    )
    attachment.save()
    audit.record(
        actor=user,
        action=AuditAction.ATTACHMENT_ADD,
        object_type="cases.Attachment",
        object_id=attachment.pk,
        detail={"case": str(case.pk)},
    )
    return attachment


def read_attachment(*, user: User, attachment: Attachment) -> bytes:
    _require("case.view", user, attachment.case, _("you cannot see this case"))
    with default_storage.open(attachment.blob, "rb") as handle:
        content = fernet().decrypt(handle.read())
    audit.record(
        actor=user,
        action=AuditAction.ATTACHMENT_READ,
        object_type="cases.Attachment",
        object_id=attachment.pk,
    )
    return content
