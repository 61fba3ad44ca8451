"""The catalogue in the admin: entries edited as new versions (who, when, why), the seed's
verbatim text shown beside; hotlines with their phones as a validated list; local hotlines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from qorgan.accounts.permissions import allowed
from qorgan.core.i18n import LANGUAGE_CODES, column_names, default_column, localized
from qorgan.core.phones import PhoneListFormField

from . import services
from .models import CatalogueEntry, CatalogueVersion, EntryRevision, Translation


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "is_live", "entry_count", "loaded_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


TEXT_FIELDS = list(column_names("text", "short"))


class EntryForm(forms.ModelForm):
    phones = PhoneListFormField(label=capfirst(_("phones")), required=False)
    reason = forms.CharField(
        label=capfirst(_("why is it changed?")),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the new version of the entry, beside who changed it and when."),
    )

    class Meta:
        model = CatalogueEntry
        fields = [*TEXT_FIELDS, "local_organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            self.fields["phones"].initial = instance.extra.get("phones") or (
                [instance.extra["phone"]] if instance.extra.get("phone") else []
            )
            self.fields.pop("local_organisation", None)
            if instance.kind.code != "hotline":
                self.fields.pop("phones")
        else:
            self.fields["code"] = forms.SlugField(label=capfirst(_("code")), max_length=60)
            self.fields["local_organisation"].required = True
            self.fields["phones"].required = True

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if CatalogueEntry.objects.filter(code=code).exists():
            raise forms.ValidationError(_("An entry with this code exists."))
        return code


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(admin.ModelAdmin):
    """Changed by directory editors and administrators: every change is a new version (who,
    when, why) and audited; the seed's verbatim text stays beside it. Only hotlines are added
    here (a local hotline); other entries come from the versioned data files."""

    form = EntryForm
    list_display = ("code", "kind", "group", "short_text", "source", "retired")
    list_filter = ("kind", "retired")
    search_fields = ("code", *column_names("text"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("code", "kind", "group", "source", "verbatim", "versions")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["code", "local_organisation", *TEXT_FIELDS, "phones", "reason"]
        phones = ["phones"] if obj.kind.code == "hotline" else []
        return [
            "code",
            "kind",
            "group",
            "source",
            "verbatim",
            *TEXT_FIELDS,
            *phones,
            "reason",
            "versions",
        ]

    @admin.display(description=_("source"))
    def source(self, obj: CatalogueEntry) -> str:
        return str(obj.source_label)

    @admin.display(description=_("text"), ordering=default_column("text"))
    def short_text(self, obj: CatalogueEntry) -> str:
        """The text in the user's language, cut to a line: the full one is on the entry."""
        return Truncator(localized(obj, "text")).chars(90)

    @admin.display(description=_("as shipped (the seed's verbatim text)"))
    def verbatim(self, obj: CatalogueEntry) -> Any:
        shipped = obj.shipped or {}
        rows = [(code, shipped.get(f"text_{code}", "")) for code in LANGUAGE_CODES if shipped] + (
            [("phones", ", ".join(shipped.get("phones", [])))] if shipped.get("phones") else []
        )
        return format_html_join("", "<p><strong>{}</strong>: {}</p>", rows) or "—"

    @admin.display(description=_("versions"))
    def versions(self, obj: CatalogueEntry) -> Any:
        rows = [
            (r.number, r.created_at.strftime("%d.%m.%Y %H:%M"), r.author or "—", r.reason)
            for r in obj.revisions.select_related("author")
        ]
        return format_html_join("", "<p>{} · {} · {}: {}</p>", rows) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return allowed("catalogue.edit", request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return allowed("catalogue.edit", request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_staff) or allowed("catalogue.edit", request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.add_local_hotline(
                user=request.user,
                code=data["code"],
                texts={code: data.get(f"text_{code}", "") for code in LANGUAGE_CODES},
                phones=data.get("phones") or [],
                organisation=data["local_organisation"],
                reason=data["reason"],
            )
            obj.pk = created.pk
            return
        values: dict[str, Any] = {name: data[name] for name in TEXT_FIELDS if name in data}
        if "phones" in data:
            values["phones"] = data["phones"]
        entry = CatalogueEntry.objects.get(pk=obj.pk)
        services.edit_entry(user=request.user, entry=entry, values=values, reason=data["reason"])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no many-to-many fields; save_model saved everything


@admin.register(EntryRevision)
class EntryRevisionAdmin(admin.ModelAdmin):
    list_display = ("entry", "number", "author", "created_at", "reason")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    """Read-only here: translations are reviewed on /catalogue/translations/ (audited)."""

    list_display = ("language", "object_type", "code", "field", "status")
    list_filter = ("language", "status", "object_type")
    search_fields = ("code", "text")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
