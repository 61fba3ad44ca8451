"""Catalogue texts in the portal-only languages (uz, ky, tg, …) and their review.

Per-language rows (``Translation``) rather than columns: a new portal language is a line in
settings.LANGUAGES, its gettext catalogue and its rows (the files ``portal_languages/catalogue.yaml``
and ``portal_languages/directory.yaml``, or an imported .po file), with no migration. Rows hold
catalogue entries' and groups' texts and the names of regions and organisations (and their cities). The staff languages stay columns (the seeds give
them); ``core.i18n.localized`` reads both. Every accept, correction and import is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import column_values, portal_only_language_codes
from qorgan.directory.models import Organisation, Region

from .catalogue import checksum_of
from .models import CatalogueEntry, CatalogueGroup, InterfaceReview, Translation, TranslationStatus

SHIPPED = Path(__file__).resolve().parent / "portal_languages" / "catalogue.yaml"
SHIPPED_DIRECTORY = SHIPPED.parent / "directory.yaml"
# Which field of which object the portal shows in a portal-only language.
ENTRY_FIELD = "text"
GROUP_FIELD = "title"
NAME_FIELD = "name"
# The object types of a translation: the section of a shipped file that holds them, the model
# (by ``_meta.model_name``) and the field whose row tells the object's review state.
SECTIONS = {
    "entry": "entries",
    "group": "groups",
    "region": "regions",
    "organisation": "organisations",
}
OBJECT_TYPES = {
    "catalogueentry": "entry",
    "cataloguegroup": "group",
    "region": "region",
    "organisation": "organisation",
}
STATE_FIELDS = {ENTRY_FIELD, GROUP_FIELD, NAME_FIELD}


def shipped_files() -> tuple[Path, ...]:
    return (SHIPPED, SHIPPED_DIRECTORY)


def shipped_checksum() -> str:
    """The checksum of the shipped translation files (part of the reference data's checksum, so
    that changed translations need a new VERSION like any other reference data)."""

    return checksum_of(shipped_files())


def shipped_rows() -> list[tuple[str, str, str, str, str]]:
    """(object_type, code, field, language, text) of the shipped translation files."""
    rows = []
    for path in shipped_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for object_type, section in SECTIONS.items():
            for code, fields in (data.get(section) or {}).items():
                for name, texts in fields.items():
                    for language, text in texts.items():
                        rows.append((object_type, str(code), name, language, str(text).strip()))
    return rows


def load_shipped_translations() -> int:
    """Create the shipped translations that are missing; update machine ones whose shipped text
    changed. A reviewed (accepted or corrected) translation is never overwritten."""
    languages = set(portal_only_language_codes())
    existing = {(t.object_type, t.code, t.field, t.language): t for t in Translation.objects.all()}
    changed = 0
    for object_type, code, name, language, text in shipped_rows():
        if language not in languages:
            continue
        row = existing.get((object_type, code, name, language))
        if row is None:
            Translation.objects.create(
                object_type=object_type, code=code, field=name, language=language, text=text
            )
            changed += 1
        elif row.status == TranslationStatus.MACHINE and row.text != text:
            row.text = text
            row.save(update_fields=["text", "updated_at"])
            changed += 1
    return changed


def _group_key(group: CatalogueGroup) -> str:
    return f"{group.kind.code}/{group.code}"


def _key(obj: Any) -> tuple[str, str]:
    """(object_type, code) of a catalogue entry or group, region or organisation."""
    if isinstance(obj, CatalogueGroup):
        return ("group", _group_key(obj))
    model_name = getattr(getattr(obj, "_meta", None), "model_name", "")
    return (OBJECT_TYPES.get(model_name, "entry"), str(obj.code))


def attach(objects: Iterable[Any], language: str) -> None:
    """Give each catalogue entry or group, region or organisation its translations in
    ``language`` (one query), read by ``localized``; ``obj.review_state`` is "machine",
    "reviewed" or "missing" (shown in Russian), from its text, title or name."""
    objs = list(objects)
    if language not in portal_only_language_codes() or not objs:
        return
    keys: dict[tuple[str, str], list[Any]] = {}
    for obj in objs:
        keys.setdefault(_key(obj), []).append(obj)
    rows = Translation.objects.filter(language=language, code__in={code for _t, code in keys}).only(
        "object_type", "code", "field", "text", "status"
    )
    for obj in objs:
        obj._translations = {}
        obj.review_state = "missing"
    for row in rows:
        for obj in keys.get((row.object_type, row.code), []):
            obj._translations[(row.field, language)] = row.text
            if row.field in STATE_FIELDS:
                obj.review_state = row.status


def codes_matching(object_type: str, language: str, query: str) -> set[str]:
    """The codes of the objects whose translations in ``language`` hold every word of ``query``
    (a migrant searching help organisations by a city's name in their own language)."""
    words = [word.casefold() for word in query.split()]
    if not words or language not in portal_only_language_codes():
        return set()
    texts: dict[str, list[str]] = {}
    for code, text in Translation.objects.filter(
        object_type=object_type, language=language
    ).values_list("code", "text"):
        texts.setdefault(code, []).append(text)
    return {
        code
        for code, found in texts.items()
        if all(word in " ".join(found).casefold() for word in words)
    }


# --- Review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    translation: Translation
    kk: str
    ru: str
    what: str = ""  # what the text is, beside its code: "Title", "Region", "City", …


def _what(row: Translation) -> str:
    if row.object_type == "region":
        return _("Region")
    if row.object_type == "organisation":
        return _("City") if row.field == "city" else _("Organisation")
    return _("Title") if row.field == GROUP_FIELD else ""


def review_items(language: str, *, status: str = TranslationStatus.MACHINE) -> list[ReviewItem]:
    """The translations of ``language`` in ``status``, each beside the Kazakh and Russian text."""

    rows = list(Translation.objects.filter(language=language, status=status))
    sources: dict[str, dict[str, Any]] = {
        "entry": {
            e.code: e for e in CatalogueEntry.objects.filter(code__in=[r.code for r in rows])
        },
        "group": {_group_key(g): g for g in CatalogueGroup.objects.select_related("kind")},
        "region": {r.code: r for r in Region.objects.all()},
        "organisation": {o.code: o for o in Organisation.objects.all()},
    }
    items = []
    for row in rows:
        source = sources.get(row.object_type, {}).get(row.code)
        values = column_values(source, row.field) if source else {}
        items.append(ReviewItem(row, values.get("kk", ""), values.get("ru", ""), _what(row)))
    return items


def pending_counts() -> dict[str, int]:
    return {
        language: Translation.objects.filter(
            language=language, status=TranslationStatus.MACHINE
        ).count()
        for language in portal_only_language_codes()
    }


@transaction.atomic
def review(*, user: Any, translation: Translation, text: str | None = None) -> Translation:
    """Accept a translation as it is (``text`` None or unchanged) or correct it. Audited."""
    corrected = text is not None and text.strip() != translation.text
    if text is not None and corrected:
        if not text.strip():
            raise ValidationError({"text": [_("The translation cannot be empty.")]})
        translation.text = text.strip()
    translation.status = TranslationStatus.REVIEWED
    translation.reviewed_by = user
    translation.reviewed_at = timezone.now()
    translation.save()
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="knowledge.Translation",
        object_id=translation.pk,
        fields=("text", "status") if corrected else ("status",),
        detail={
            "language": translation.language,
            "code": translation.code,
            "review": "corrected" if corrected else "accepted",
        },
    )
    return translation


# --- .po export and import ------------------------------------------------------------------


class PoImportError(ValueError):
    """The file is not a .po file of this language's catalogue texts."""


def _msgctxt(row: Translation) -> str:
    return f"{row.object_type}:{row.code}:{row.field}"


def export_po(language: str) -> str:
    """The catalogue texts of ``language`` as a .po file: msgid the Russian text, msgctxt the
    entry, msgstr the translation, flag ``fuzzy`` while awaiting review; the Kazakh in a comment."""

    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": language,
        "X-Qorgan-Catalogue": "portal translations",
    }
    for item in review_items(language, status=TranslationStatus.MACHINE) + review_items(
        language, status=TranslationStatus.REVIEWED
    ):
        row = item.translation
        entry = polib.POEntry(
            msgctxt=_msgctxt(row),
            msgid=item.ru or row.code,
            msgstr=row.text,
            comment=f"kk: {item.kk}" if item.kk else "",
            flags=["fuzzy"] if row.status == TranslationStatus.MACHINE else [],
        )
        po.append(entry)
    return str(po)


@dataclass
class ImportPlan:
    language: str
    changes: list[tuple[Translation, str]] = field(default_factory=list)  # (row, new text)
    unknown: list[str] = field(default_factory=list)  # msgctxt not in Qorgan


def plan_import(language: str, content: str) -> ImportPlan:
    """What importing ``content`` would change (a dry run). Refuses a malformed file."""

    if language not in portal_only_language_codes():
        raise PoImportError(_("Unknown language: %(code)s.") % {"code": language})
    try:
        po = polib.pofile(content)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise PoImportError(
            _("The file is not a valid .po file: %(error)s") % {"error": exc}
        ) from None
    if not len(po):
        raise PoImportError(_("The file holds no translation."))
    declared = po.metadata.get("Language", "")
    if declared and declared != language:
        raise PoImportError(
            _("The file is in language %(found)s, not %(expected)s.")
            % {"found": declared, "expected": language}
        )
    rows = {_msgctxt(r): r for r in Translation.objects.filter(language=language)}
    plan = ImportPlan(language)
    for entry in po:
        if not entry.msgctxt:
            raise PoImportError(
                _("Line %(line)s: an entry without msgctxt (which catalogue text it translates).")
                % {"line": entry.linenum}
            )
        row = rows.get(entry.msgctxt)
        if row is None:
            plan.unknown.append(entry.msgctxt)
        elif entry.msgstr.strip() and entry.msgstr.strip() != row.text:
            plan.changes.append((row, entry.msgstr.strip()))
    return plan


@transaction.atomic
def apply_import(*, user: Any, plan: ImportPlan) -> int:
    """Apply a planned import: the new texts stay machine-assisted (awaiting review). Audited."""
    for row, text in plan.changes:
        row.text = text
        row.status = TranslationStatus.MACHINE
        row.save(update_fields=["text", "status", "updated_at"])
    audit.record(
        actor=user,
        action=AuditAction.IMPORT,
        object_type="knowledge.Translation",
        object_id=plan.language,
        fields=("text",),
        detail={"language": plan.language, "changed": len(plan.changes)},
    )
    return len(plan.changes)


# --- Interface strings (gettext) of the portal-only languages ----------------------------------

LOCALE = Path(__file__).resolve().parents[1] / "locale"


@dataclass(frozen=True)
class InterfaceItem:
    msgid: str
    kk: str
    ru: str
    text: str
    reviewed: bool


def _po(language: str) -> Any:

    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def interface_items(language: str, *, pending_only: bool = True) -> list[InterfaceItem]:
    """The language's interface strings (its .po file) beside the Kazakh and Russian, with the
    reviewers' decisions recorded here; a string is reviewed when the file or a decision says so."""

    if language not in portal_only_language_codes():
        return []
    kk = {e.msgid: e.msgstr for e in _po("kk")}
    ru = {e.msgid: e.msgstr for e in _po("ru")}
    decided = {r.msgid: r for r in InterfaceReview.objects.filter(language=language)}
    items = []
    for entry in _po(language):
        if not entry.msgstr:
            continue
        decision = decided.get(entry.msgid)
        reviewed = decision is not None or "awaiting review" not in (entry.tcomment or "")
        if pending_only and reviewed:
            continue
        text = decision.text if decision else entry.msgstr
        items.append(
            InterfaceItem(
                entry.msgid, kk.get(entry.msgid, ""), ru.get(entry.msgid, ""), text, reviewed
            )
        )
    return items


@transaction.atomic
def review_interface(*, user: Any, language: str, msgid: str, text: str | None = None) -> None:
    """Accept an interface string as shipped or correct it. Audited."""

    shipped = (
        {e.msgid: e.msgstr for e in _po(language)}
        if language in portal_only_language_codes()
        else {}
    )
    if msgid not in shipped:
        raise ValidationError({"msgid": [_("This string is not in the language's catalogue.")]})
    new = (text or "").strip() or shipped[msgid]
    corrected = new != shipped[msgid]
    InterfaceReview.objects.update_or_create(
        language=language,
        msgid=msgid,
        defaults={"text": new, "corrected": corrected, "reviewed_by": user},
    )
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="knowledge.InterfaceReview",
        object_id=language,
        fields=("text",) if corrected else ("status",),
        detail={"language": language, "review": "corrected" if corrected else "accepted"},
    )


def export_interface_po(language: str) -> str:
    """The language's interface .po file with the reviewers' decisions applied: a reviewed
    string loses its "awaiting review" comment, a corrected one carries the correction."""

    po = _po(language)
    decided = {r.msgid: r for r in InterfaceReview.objects.filter(language=language)}
    for entry in po:
        decision = decided.get(entry.msgid)
        if decision is None:
            continue
        entry.msgstr = decision.text
        when = timezone.localtime(decision.reviewed_at).strftime("%d.%m.%Y")
        entry.tcomment = f"reviewed in Qorgan on {when}" + (
            " (corrected)" if decision.corrected else ""
        )
    return str(po)
