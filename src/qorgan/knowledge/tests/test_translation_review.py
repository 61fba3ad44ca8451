"""The review of the portal's uz/ky/tg catalogue texts (issue 15 §1): a reviewer sees what awaits
review beside the Kazakh and Russian, accepts or corrects it (audited), the portal drops the
"awaiting review" mark; a language goes out and comes back as a .po file (dry run, then apply;
a malformed file refused); a reload never overwrites a reviewed text."""

from __future__ import annotations

from typing import Any

import polib
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qorgan.core.models import AuditEvent
from qorgan.knowledge.models import Translation, TranslationStatus
from qorgan.knowledge.translations import load_shipped_translations

pytestmark = pytest.mark.django_db

CODE = "victim_call_police_102"
MARK = "tekshirilmoqda"  # "awaiting review" in Uzbek


@pytest.fixture
def reviewer(make_user: Any) -> Client:
    user = make_user(username="reviewer", organisation="ORG01")
    user.user_permissions.add(Permission.objects.get(codename="review_translation"))
    browser = Client()
    browser.force_login(user)
    return browser


def step_on_portal() -> str:
    body = Client().get("/uz/what-to-do/").content.decode()
    start = body.index("Darhol 102")
    return body[start : body.index("</li>", start)]


def test_review_needs_the_permission(make_user: Any, reviewer: Client) -> None:
    other = Client()
    other.force_login(make_user(username="w2"))
    assert other.get("/en/catalogue/translations/").status_code == 403
    page = reviewer.get("/en/catalogue/translations/?lang=uz")
    body = page.content.decode()
    assert page.status_code == 200
    row = Translation.objects.get(code=CODE, language="uz")
    assert row.text in body  # the translation, beside
    assert "102" in body and 'lang="kk"' in body and 'lang="ru"' in body


def test_accept_and_correct_are_audited_and_the_mark_goes(reviewer: Client) -> None:
    row = Translation.objects.get(code=CODE, language="uz")
    assert MARK in step_on_portal()
    reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "uz", "action": "review", "id": row.pk, "text": row.text},
    )
    row.refresh_from_db()
    assert row.status == TranslationStatus.REVIEWED and row.reviewed_by.username == "reviewer"
    assert MARK not in step_on_portal()
    event = AuditEvent.objects.filter(object_type="knowledge.Translation").latest("seq")
    assert event.detail["review"] == "accepted" and event.actor_username == "reviewer"

    other = Translation.objects.get(code="victim_keep_evidence", language="ky")
    reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "ky", "action": "review", "id": other.pk, "text": "Далилдерди сактаңыз."},
    )
    other.refresh_from_db()
    assert other.text == "Далилдерди сактаңыз." and other.status == TranslationStatus.REVIEWED
    event = AuditEvent.objects.filter(object_type="knowledge.Translation").latest("seq")
    assert event.detail["review"] == "corrected" and "text" in event.fields

    # A reload of the shipped translations keeps what a reviewer decided.
    load_shipped_translations()
    other.refresh_from_db()
    assert other.text == "Далилдерди сактаңыз."


def test_po_export_and_import(reviewer: Client) -> None:
    exported = reviewer.get("/en/catalogue/translations/tg.po")
    assert exported.status_code == 200
    po = polib.pofile(exported.content.decode())
    entry = next(e for e in po if e.msgctxt == f"entry:{CODE}:text")
    assert "fuzzy" in entry.flags and "102" in entry.msgid  # the Russian text to translate
    entry.msgstr = "Фавран ба рақами 102 занг занед."
    changed = str(po).encode()

    check = reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "tg", "action": "import_check", "po": SimpleUploadedFile("tg.po", changed)},
    )
    body = check.content.decode()
    assert "Фавран ба рақами 102 занг занед." in body  # what would change, nothing yet
    row = Translation.objects.get(code=CODE, language="tg")
    assert row.text != "Фавран ба рақами 102 занг занед."

    reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "tg", "action": "import_apply", "content": changed.decode()},
    )
    row.refresh_from_db()
    assert row.text == "Фавран ба рақами 102 занг занед."
    assert row.status == TranslationStatus.MACHINE  # still to be reviewed here

    bad = reviewer.post(
        "/en/catalogue/translations/",
        {
            "lang": "tg",
            "action": "import_check",
            "po": SimpleUploadedFile("x.po", b"garbage here\n"),
        },
        follow=True,
    )
    assert "not a valid .po file" in bad.content.decode()
    empty = reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "tg", "action": "import_check", "po": SimpleUploadedFile("x.po", b"msgid 'x\n")},
        follow=True,
    )
    assert "holds no translation" in empty.content.decode()
    wrong = reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "uz", "action": "import_check", "po": SimpleUploadedFile("tg.po", changed)},
        follow=True,
    )
    assert "not uz" in wrong.content.decode()


def test_every_shipped_translation_translates_a_catalogue_text() -> None:
    from qorgan.core.i18n import portal_only_language_codes
    from qorgan.directory.models import Organisation, Region
    from qorgan.knowledge.models import CatalogueEntry, CatalogueGroup
    from qorgan.knowledge.translations import shipped_rows

    codes = {
        "entry": set(CatalogueEntry.objects.values_list("code", flat=True)),
        "group": {f"{g.kind.code}/{g.code}" for g in CatalogueGroup.objects.select_related("kind")},
        "region": set(Region.objects.values_list("code", flat=True)),
        "organisation": set(Organisation.objects.values_list("code", flat=True)),
    }
    fields = {
        "entry": {"text"},
        "group": {"title"},
        "region": {"name"},
        "organisation": {"name", "city"},
    }
    rows = shipped_rows()
    assert {row[3] for row in rows} == set(portal_only_language_codes())
    for object_type, code, field, _language, text in rows:
        assert code in codes[object_type], code
        assert field in fields[object_type] and text.strip()
    # Every region and every shipped organisation has its name (and city) translated.
    for object_type in ("region", "organisation"):
        assert {c for o, c, *_rest in rows if o == object_type} == codes[object_type]
    # Each text in all three languages.
    keys = {(o, c, f) for o, c, f, _l, _t in rows}
    assert len(rows) == 3 * len(keys)


def test_interface_strings_are_reviewed_and_exported(reviewer: Client) -> None:
    page = reviewer.get("/en/catalogue/translations/?lang=ky").content.decode()
    assert "Quick exit" in page and "Тез чыгуу" in page and "Жылдам шығу" in page  # en, ky, kk
    reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "ky", "action": "review_interface", "msgid": "Quick exit", "text": "Тез чыгуу"},
    )
    reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "ky", "action": "review_interface", "msgid": "Call", "text": "Чалыңыз"},
    )
    events = AuditEvent.objects.filter(object_type="knowledge.InterfaceReview").order_by("seq")
    assert [e.detail["review"] for e in events] == ["accepted", "corrected"]
    page = reviewer.get("/en/catalogue/translations/?lang=ky").content.decode()
    assert ">Quick exit<" not in page  # no longer awaiting review
    exported = polib.pofile(
        reviewer.get("/en/catalogue/translations/ky/interface.po").content.decode()
    )
    by_id = {e.msgid: e for e in exported}
    assert by_id["Call"].msgstr == "Чалыңыз" and "corrected" in by_id["Call"].tcomment
    assert "awaiting review" not in by_id["Quick exit"].tcomment
    assert "awaiting review" in by_id["Signs"].tcomment
    bad = reviewer.post(
        "/en/catalogue/translations/",
        {"lang": "ky", "action": "review_interface", "msgid": "No such string", "text": "x"},
        follow=True,
    )
    assert "not in the language" in bad.content.decode()
