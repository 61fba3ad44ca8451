from django.contrib import admin

from .models import Duty, Organisation, Region, SubjectKind


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_kk",
        "kind",
        "region",
        "email",
        "is_help_organisation",
        "triages_reports",
        "active",
    )
    list_filter = ("kind", "region", "is_help_organisation", "triages_reports", "active")
    search_fields = ("code", "name_kk", "name_ru", "name_en", "city_kk", "city_ru", "email")
    filter_horizontal = ("serves_regions",)
    readonly_fields = ("source_document", "source_line", "created_at", "updated_at")


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0
    fields = ("direction", "text_kk", "source_line")
    readonly_fields = fields
    can_delete = False


@admin.register(SubjectKind)
class SubjectKindAdmin(admin.ModelAdmin):
    """Read-only: subject kinds and duties come from the versioned data files."""

    list_display = ("code", "name_kk", "name_ru", "name_en")
    inlines = [DutyInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "legacy_code", "name_kk", "name_ru", "name_en", "kind")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
