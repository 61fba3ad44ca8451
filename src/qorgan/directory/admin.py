from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import column_names, default_column
from qorgan.core.phones import from_stored

from .models import Duty, Organisation, OrganisationSnapshot, Region, SubjectKind
from .services import edit_organisation


class DirectoryEditorAccess:
    """Directory editors (and administrators) edit the directory through rule
    ``directory.edit``; others keep Django's model permissions (a superuser all of them)."""

    editable = True  # False: directory editors read it only

    def _edits(self, request: HttpRequest) -> bool:
        return allowed("directory.edit", request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._edits(request) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._edits(request) or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.editable and self._edits(request):
            return True
        return bool(super().has_change_permission(request, obj))  # type: ignore[misc]


# Fields that decide who reads persons' data: an organisation that triages reports, or is the
# police, reads the anonymous reports. A directory editor cannot change them (an administrator
# with staff status can, and the change is audited).
ACCESS_FIELDS = ("triages_reports",)
ACCESS_FIELDS_ONCE_CREATED = ("kind",)


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
class OrganisationAdmin(DirectoryEditorAccess, admin.ModelAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._edits(request) or super().has_add_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        user = request.user
        if user.is_superuser or user.is_staff or not self._edits(request):
            return fields
        return fields + ACCESS_FIELDS + (ACCESS_FIELDS_ONCE_CREATED if obj is not None else ())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        edit_organisation(
            obj,
            actor=request.user,
            changed=list(form.changed_data) if change else ["created"],
            editor=getattr(request.user, "organisation", None),
        )


@admin.register(OrganisationSnapshot)
class OrganisationSnapshotAdmin(DirectoryEditorAccess, admin.ModelAdmin):
    """Read-only: what the reference files last shipped for each organisation."""

    editable = False

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
class SubjectKindAdmin(DirectoryEditorAccess, admin.ModelAdmin):
    """Read-only: subject kinds and duties come from the versioned data files."""

    editable = False

    list_display = ("code", *column_names("name"))
    inlines = [DutyInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(DirectoryEditorAccess, admin.ModelAdmin):
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
