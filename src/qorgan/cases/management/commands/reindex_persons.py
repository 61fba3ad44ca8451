"""``qorgan reindex_persons``: recompute every person's blind indexes with the current key.

Run it after changing QORGAN_BLIND_INDEX_KEY (the key of the keyed hashes that find a person
again): the indexes are rebuilt from the decrypted data, so QORGAN_FIELD_KEYS must still open
it. Until it has run, look-ups across organisations find nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from qorgan.cases.models import Person
from qorgan.cases.services import person_indexes
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction


class Command(BaseCommand):
    help = "Recompute the blind indexes of every person with the current QORGAN_BLIND_INDEX_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for pk in Person.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                person = Person.objects.select_for_update().get(pk=pk)
                Person.objects.filter(pk=pk).update(**person_indexes(person))
            count += 1
        with audit.audit_context(route="command reindex_persons"):
            audit.record(
                actor=None,
                action=AuditAction.REINDEX,
                object_type="cases.Person",
                detail={"persons": count},
            )
        self.stdout.write(self.style.SUCCESS(f"Recomputed the indexes of {count} person(s)."))
