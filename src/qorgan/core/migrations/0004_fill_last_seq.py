from django.db import migrations
from django.db.models import Max


def fill(apps, schema_editor):
    head = apps.get_model("core", "AuditChainHead")
    event = apps.get_model("core", "AuditEvent")
    last = event.objects.aggregate(m=Max("seq"))["m"] or 0
    head.objects.filter(id=1).update(last_seq=last)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_auditchainhead_last_seq")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
