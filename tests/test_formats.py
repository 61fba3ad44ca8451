"""Formats and words (issue 15 §3): Kazakh dates, times and numbers through a formats module;
dates typed as dd.mm.yyyy in a text box in every language."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

from qorgan.accounts.roles import Role
from qorgan.cases.forms import DATE as CASES_DATE
from qorgan.core.widgets import DATE, DateInput
from qorgan.monitoring.forms import DATE as MONITORING_DATE

WHEN = datetime.datetime(2026, 11, 29, 14, 5)
LANGUAGES = [code for code, _ in settings.LANGUAGES]


def test_kazakh_formats() -> None:
    with translation.override("kk"):
        assert date_format(WHEN, "SHORT_DATE_FORMAT") == "29.11.2026"
        assert date_format(WHEN, "SHORT_DATETIME_FORMAT") == "29.11.2026 14:05"
        assert date_format(WHEN.date()) == "2026 жылғы 29 қараша"
        assert number_format(1234.5, 1, force_grouping=True) == "1\xa0234,5"
        rendered = Template("{{ when }}|{{ when|date:'SHORT_DATETIME_FORMAT' }}").render(
            Context({"when": WHEN})
        )
        assert "Т.Қ." not in rendered and "/" not in rendered


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_dates_and_times_are_day_month_year_and_24_hours(language: str) -> None:
    with translation.override(language):
        assert date_format(WHEN, "SHORT_DATETIME_FORMAT") == "29.11.2026 14:05"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_is_typed_day_month_year_in_every_language(language: str) -> None:
    class Form(forms.Form):
        on = forms.DateField(widget=DateInput())

    with translation.override(language):
        html = str(Form(initial={"on": WHEN.date()})["on"])
        assert 'type="text"' in html
        assert 'value="29.11.2026"' in html
        assert 'pattern="' in html and 'inputmode="numeric"' in html
        placeholder = {"kk": "кк.аа.жжжж", "ru": "дд.мм.гггг"}.get(language)
        if placeholder:
            assert f'placeholder="{placeholder}"' in html
        for typed in ("29.11.2026", "2026-11-29"):
            form = Form({"on": typed})
            assert form.is_valid(), (language, typed, form.errors)
            assert form.cleaned_data["on"] == WHEN.date()


def test_staff_forms_use_the_shared_date_box() -> None:
    assert isinstance(CASES_DATE, DateInput)
    assert isinstance(MONITORING_DATE, DateInput)
    assert isinstance(DATE, DateInput)


def test_filter_dates_are_typed_day_month_year(client: Any, make_user: Any) -> None:
    """The audit log's and the hotline statistics' filters: text boxes for dd.mm.yyyy (ISO
    still accepted), shown back as typed."""
    from qorgan.core.widgets import parse_date

    assert parse_date("29.11.2026") == parse_date("2026-11-29") == WHEN.date()
    with pytest.raises(ValueError):
        parse_date("11/29/2026")
    client.force_login(
        make_user(username="admin1", role=Role.ADMINISTRATOR, organisation="", is_staff=True)
    )
    page = client.get("/kk/audit/", {"since": "01.01.2026", "until": "29.11.2026"})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'type="date"' not in body
    assert 'value="01.01.2026"' in body and 'placeholder="кк.аа.жжжж"' in body
    # A calendar month (the statistics widen any other period to the month, quarter or year
    # it falls in), typed day-month-year and the ISO way, shown back day-month-year.
    stats = client.get("/ru/hotline/statistics/", {"start": "01.02.2026", "end": "2026-02-28"})
    body = stats.content.decode()
    assert stats.status_code == 200
    assert 'value="01.02.2026"' in body and 'value="28.02.2026"' in body
    assert 'type="date"' not in body
