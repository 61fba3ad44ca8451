"""Forms of the case page's "Working the case" part (issue 13 §1–§2). Types only; the services
(participation, notes, followups, approvals, consent) check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE, choices_refused_in_words
from .models import CaseStatus


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(forms.Form):
    task = forms.CharField(label=_("What is to be done"), max_length=500)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    owner = forms.ChoiceField(label=_("Who does it"))

    def __init__(self, *args: Any, workers: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(w.username, _worker_label(w)) for w in workers]  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    user = forms.ChoiceField(label=_("Case worker"))

    def __init__(self, *args: Any, workers: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(w.username, _worker_label(w)) for w in workers]  # type: ignore[attr-defined]


class HandoverForm(forms.Form):
    to = forms.ChoiceField(label=_("Hand over to"))
    consent = forms.ChoiceField(label=_("The person's consent"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[str, str]] = (),  # type: ignore[assignment]
        consents: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = organisations  # type: ignore[attr-defined]
        self.fields["consent"].choices = consents  # type: ignore[attr-defined]


class ApprovalRequestForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"))
    identification_date = forms.DateField(
        label=_("Identification decision date"), required=False, widget=DATE
    )
    identification_body = forms.CharField(label=_("Deciding body"), required=False, max_length=300)
    closure_reason = forms.CharField(label=_("Closure reason"), required=False, max_length=300)

    def __init__(self, *args: Any, targets: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        labels = dict(CaseStatus.choices)
        self.fields["status"].choices = [(t, labels[t]) for t in targets]  # type: ignore[attr-defined]


class IdForm(forms.Form):
    """The record an action applies to (a follow-up, approval, handover, goal, consent…)."""

    id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class GoalResultForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note (needed if not achieved)"), required=False, max_length=500)


class WithdrawConsentForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE)


def _worker_label(user: Any) -> str:
    return user.get_full_name() or user.get_username()


choices_refused_in_words(
    [
        NoteForm,
        FollowUpForm,
        AssignForm,
        HandoverForm,
        ApprovalRequestForm,
        IdForm,
        GoalResultForm,
        WithdrawConsentForm,
    ]
)
