from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qorgan.core"
    label = "core"
    verbose_name = "Qorgan core"
