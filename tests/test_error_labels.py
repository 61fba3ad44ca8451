"""An error message names its field by the label the page shows, in the user's language, never
by the field's name in code ("region: …", issue 13 §5). Errors of no field, or of a field the
page does not label, are shown alone."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone, translation

from qorgan.accounts.roles import Role
from qorgan.cases import services as cases
from qorgan.cases.forms import INVALID_CHOICE
from qorgan.cases.forms_work import AssignForm, HandoverForm
from qorgan.core.errors import form_errors, labelled, validation_errors
from qorgan.directory.models import Organisation, Region
from qorgan.monitoring.forms import ActivityForm
from qorgan.portal.models import Report

pytestmark = pytest.mark.django_db
# A field's name in code before a colon: "region:", "to_organisation:", "__all__:".
RAW_FIELD = re.compile(r"(?<![\w-])_*[a-z]+(_[a-z]+)*_*:\s")


def errors_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def test_the_helpers_label_fields_and_leave_the_rest_alone() -> None:
    errors = {
        "region": ["unknown region"],
        NON_FIELD_ERRORS: ["Something is missing."],
        "internal_field": ["a message"],
    }
    assert labelled(errors, {"region": "Регион"}) == (
        "Регион: unknown region; Something is missing.; a message"
    )
    assert validation_errors(ValidationError("alone")) == "alone"
    with translation.override("ru"):
        form = ActivityForm({}, kind_code="ngo")
        assert not form.is_valid()
        text = form_errors(form)
        assert f"{form.fields['title'].label}: " in text
    assert not RAW_FIELD.search(text), text


@pytest.mark.parametrize(("language", "region"), [("ru", "Регион"), ("kk", "Өңір")])
def test_a_case_page_error_names_the_field_by_its_label(
    client: Any, make_user: Any, language: str, region: str
) -> None:
    manager = make_user(username="manager", role=Role.CASE_MANAGER)
    case = cases.open_case(organisation=manager.organisation, by=manager)
    client.force_login(manager)
    # A region of Kazakhstan with another country: refused by the service, about "region".
    response = client.post(
        f"/{language}/cases/{case.pk}/route/",
        {"route-stage": "exploitation", "route-country": "UZ", "route-region": "KZ-75"},
    )
    [error] = errors_of(response)
    assert error.startswith(f"{region}: "), error
    assert not RAW_FIELD.search(error), error
    assert "KZ" not in error  # the country by its name, not its code


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_referral_answer_error_names_the_field(
    client: Any, make_user: Any, language: str
) -> None:
    sender = make_user(username="sender", role=Role.CASE_MANAGER, organisation="ORG01")
    receiver = make_user(username="receiver", role=Role.CASE_MANAGER, organisation="ORG02")
    case = cases.open_case(organisation=sender.organisation, by=sender)
    today = timezone.localdate()
    consent = cases.record_consent(
        user=sender, case=case, purpose="referral", form="written", given_on=today, recipient=None
    )
    referral = cases.send_referral(
        user=sender,
        case=case,
        to_organisation=Organisation.objects.get(code="ORG02"),
        services=["legal"],
        due_on=today + timedelta(days=3),
        consent=consent,
    )
    client.force_login(receiver)
    response = client.post(f"/{language}/cases/referrals/{referral.pk}/decline/", {"reason": ""})
    [error] = errors_of(response)
    with translation.override(language):
        assert error.startswith(f"{translation.gettext('Reason')}: "), error
    assert not RAW_FIELD.search(error), error


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_triage_error_names_the_field(client: Any, make_user: Any, language: str) -> None:
    supervisor = make_user(username="triage", role=Role.SUPERVISOR, organisation="ORG01")
    Organisation.objects.filter(code="ORG01").update(triages_reports=True)
    Report.objects.create(
        number=7,
        receipt_index="error-labels-test",
        received_on=timezone.localdate(),
        language="ru",
        what="Рабочих держат на складе.",
        region=Region.objects.get(code="KZ-75"),
    )
    client.force_login(supervisor)
    response = client.post(f"/{language}/reports/7/assign/", {"organisation": "NOPE"})
    [error] = errors_of(response)
    with translation.override(language):
        assert error.startswith(f"{translation.gettext('Assign to')}: "), error
    assert not RAW_FIELD.search(error), error


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_form_error_on_the_case_page_names_the_field(
    client: Any, make_user: Any, language: str
) -> None:
    manager = make_user(username="manager", role=Role.CASE_MANAGER)
    case = cases.open_case(organisation=manager.organisation, by=manager)
    client.force_login(manager)
    # A status the case cannot move to from where it is: refused by the form.
    response = client.post(
        f"/{language}/cases/{case.pk}/status/",
        {"status-version": str(case.version), "status-status": "closed"},
    )
    [error] = errors_of(response)
    with translation.override(language):
        assert error.startswith(f"{translation.gettext('New status')}: "), error
    assert not RAW_FIELD.search(error), error
    assert "closed" not in error


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_case_work_forms_refuse_a_value_not_offered_in_words(language: str) -> None:
    """The case-work forms (assignment, handover, approval…) never quote a refused code."""
    with translation.override(language):
        for form in (AssignForm({"user": "no-such-user"}), HandoverForm({"to": "ORG99"})):
            assert not form.is_valid()
            text = " ".join(str(error) for errors in form.errors.values() for error in errors)
            assert "no-such-user" not in text and "ORG99" not in text, text
            assert str(INVALID_CHOICE) in text
