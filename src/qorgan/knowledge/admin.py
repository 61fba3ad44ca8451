from django.contrib import admin

from .models import CatalogueEntry, CatalogueVersion


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "is_live", "entry_count", "loaded_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(admin.ModelAdmin):
    """Read-only: the catalogue changes through its versioned data files, not by hand."""

    list_display = ("code", "kind", "group", "text_kk", "source_line", "retired")
    list_filter = ("kind", "retired")
    search_fields = ("code", "text_kk", "text_ru", "text_en")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
