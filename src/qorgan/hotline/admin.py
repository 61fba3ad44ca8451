from django.contrib import admin

from qorgan.core.i18n import column_names

from .models import Hotline


@admin.register(Hotline)
class HotlineAdmin(admin.ModelAdmin):
    """Hotlines and who answers them. Contacts are not in the admin: they hold persons' data."""

    list_display = ("code", "organisation", "catalogue_code", "supervisor", "active")
    list_filter = ("active",)
    search_fields = (
        "code",
        "organisation__code",
        *(f"organisation__{name}" for name in column_names("name")),
    )
    filter_horizontal = ("operators",)
    raw_id_fields = ("supervisor",)
