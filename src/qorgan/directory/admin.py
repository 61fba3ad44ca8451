from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import column_names, default_column
from qorgan.core.phones import from_stored

from .models import Duty, Organisation, OrganisationSnapshot, Region, SubjectKind
from .services import edit_organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = (
            "code",
            "kind",
            *column_names("name", "city"),
            "region",
            "serves_regions",
            "phones",
            "email",
            "address",
            "hours",
            "is_help_organisation",
            "group",
            "triages_reports",
            *column_names("note"),
            "active",
        )

    def clean_phones(self) -> list[dict[str, str]]:
        """Numbers that were there before keep the way they were written (the seed's text)."""
        phones: list[dict[str, str]] = self.cleaned_data["phones"]
        before = {p.tel: p.display for p in from_stored(self.instance.phones or [])}
        return [{**p, "display": before.get(p["tel"], p["display"])} for p in phones]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = (
        "code",
        default_column("name"),
        "kind",
        "region",
        "email",
        "is_help_organisation",
        "triages_reports",
        "active",
        "source",
    )
    list_filter = ("kind", "region", "is_help_organisation", "triages_reports", "active")
    list_select_related = ("kind", "region", "edited_by")
    search_fields = ("code", *column_names("name", "city"), "email")
    filter_horizontal = ("serves_regions",)
    readonly_fields = (
        "source",
        "edited_by",
        "edited_on",
        "source_document",
        "source_line",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("source"))
    def source(self, obj: Organisation) -> str:
        return str(obj.source_label)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        edit_organisation(
            obj,
            actor=request.user,
            changed=list(form.changed_data) if change else ["created"],
            editor=getattr(request.user, "organisation", None),
        )


@admin.register(OrganisationSnapshot)
class OrganisationSnapshotAdmin(admin.ModelAdmin):
    """Read-only: what the reference files last shipped for each organisation."""

    list_display = ("code", "version", "loaded_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0
    fields = ("direction", default_column("text"), "source_line")
    readonly_fields = fields
    can_delete = False


@admin.register(SubjectKind)
class SubjectKindAdmin(admin.ModelAdmin):
    """Read-only: subject kinds and duties come from the versioned data files."""

    list_display = ("code", *column_names("name"))
    inlines = [DutyInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "legacy_code", *column_names("name"), "kind")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,
                action=AuditAction.DIRECTORY_EDIT,
                object_type="directory.Region",
                object_id=obj.code,
                fields=form.changed_data,
            )
