"""``qorgan rotate_keys``: re-encrypt every encrypted value and document under the newest key.

Put the new key first in QORGAN_FIELD_KEYS (keep the old ones after it), run this command,
then remove the old keys. Values are decrypted with whichever key fits and encrypted again
with the first; nothing is ever written in clear.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from qorgan.cases.models import Attachment
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.crypto import fernet
from qorgan.core.fields import EncryptedJSONField, EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt all personal data and documents under the first key of QORGAN_FIELD_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        counts: dict[str, int] = {}
        for model in apps.get_models():
            fields = [
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, EncryptedTextField | EncryptedJSONField)
            ]
            if not fields:
                continue
            rows = 0
            for pk in model._default_manager.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    instance = model._default_manager.select_for_update().get(pk=pk)
                    # Reading decrypts with any key; saving encrypts with the first.
                    instance.save(update_fields=fields)
                rows += 1
            counts[model._meta.label] = rows
        documents = 0
        for attachment in Attachment.objects.all().iterator():
            with default_storage.open(attachment.blob, "rb") as handle:
                token = handle.read()
            rotated = fernet().rotate(token)
            default_storage.delete(attachment.blob)
            default_storage.save(attachment.blob, ContentFile(rotated))
            documents += 1
        counts["documents"] = documents
        with audit.audit_context(route="command rotate_keys"):
            audit.record(
                actor=None, action=AuditAction.KEY_ROTATION, object_type="core.Keys", detail=counts
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Re-encrypted: " + ", ".join(f"{n} {label}" for label, n in counts.items())
            )
        )
