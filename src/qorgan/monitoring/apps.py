from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "qorgan.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from . import signals  # noqa: PLC0415 - cycle: signals import the models, which load only after the app registry is ready

        signals.connect()
