# The language rights were explained in becomes a choice of Qorgan's six languages or "other"
# with the language's name (issue 13 §5): the free text stored so far is mapped to a code when it
# names exactly one of the six (a code or the language's name in kk, ru or en), otherwise it is
# kept, word for word, as the other language's name.

from django.db import migrations, models

import qorgan.core.fields

# Stems of each language's name in Kazakh, Russian, English (and the language's own word).
STEMS = {
    "kk": ("kaz", "қазақ", "казах", "qazaq"),
    "ru": ("rus", "орыс", "русск"),
    "en": ("eng", "ағылшын", "англ"),
    "uz": ("uzb", "өзбек", "узбек", "o'zbek", "oʻzbek", "ozbek"),
    "ky": ("kyr", "kir", "қырғыз", "киргиз", "кыргыз"),
    "tg": ("taj", "tadj", "тәжік", "таджик", "тоҷик"),
}
ALIASES = {"kz": "kk", "kg": "ky", "tj": "tg", "uzb": "uz"}


def language_code(text: str) -> str:
    """The code of the one language ``text`` names, or "" when it names none or several."""
    value = " ".join(text.strip().lower().split())
    if value in STEMS:
        return value
    if value in ALIASES:
        return ALIASES[value]
    words = value.replace(",", " ").replace(";", " ").replace("/", " ").split()
    found = {
        code
        for code, stems in STEMS.items()
        for word in words
        if word in (code,) or any(word.startswith(stem) for stem in stems)
    }
    return found.pop() if len(found) == 1 else ""


def forwards(apps, schema_editor):
    RightsExplanation = apps.get_model("cases", "RightsExplanation")
    for record in RightsExplanation.objects.all().iterator():
        code = language_code(record.language)
        if code:
            record.language, record.language_other = code, ""
        else:
            record.language, record.language_other = "other", record.language.strip()
        record.save(update_fields=["language", "language_other"])


def backwards(apps, schema_editor):
    RightsExplanation = apps.get_model("cases", "RightsExplanation")
    for record in RightsExplanation.objects.filter(language="other").iterator():
        record.language = (record.language_other or "other")[:20]
        record.save(update_fields=["language"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_import_job_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="rightsexplanation",
            name="language_other",
            field=qorgan.core.fields.EncryptedTextField(
                blank=True, default="", verbose_name="other language"
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="rightsexplanation",
            name="language",
            field=models.CharField(
                choices=[
                    ("kk", "Kazakh"),
                    ("ru", "Russian"),
                    ("en", "English"),
                    ("uz", "Uzbek"),
                    ("ky", "Kyrgyz"),
                    ("tg", "Tajik"),
                    ("other", "Another language"),
                ],
                max_length=20,
                verbose_name="language",
            ),
        ),
    ]
