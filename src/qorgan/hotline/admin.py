from django.contrib import admin

from .models import Hotline


@admin.register(Hotline)
class HotlineAdmin(admin.ModelAdmin):
    """Hotlines and who answers them. Contacts are not in the admin: they hold persons' data."""

    list_display = ("code", "organisation", "catalogue_code", "supervisor", "active")
    list_filter = ("active",)
    search_fields = ("code", "organisation__code", "organisation__name_kk")
    filter_horizontal = ("operators",)
    raw_id_fields = ("supervisor",)
