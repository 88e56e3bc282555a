"""The portal's forms: every field has a translated label; the use cases check the rest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.cases.services import MAX_ATTACHMENT_BYTES
from encaisse.portal.models import Language

MAX_ATTACHMENTS = 5


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "id": "magic-email"}))  # fmt: skip


class PasswordSignInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username", "id": "password-email"}))  # fmt: skip
    password = forms.CharField(label=_("Password"), strip=False, max_length=200,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "id": "password"}))  # fmt: skip


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("New password"), strip=False, max_length=200,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "id": "new-password"}),
                                help_text=_("At least 10 characters, not a common password."))  # fmt: skip
    password2 = forms.CharField(label=_("New password again"), strip=False, max_length=200,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "id": "new-password-again"}))  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices,
                                 widget=forms.Select(attrs={"id": "language-select"}))  # fmt: skip


class PromiseForm(forms.Form):
    promised_date = forms.DateField(label=_("I will pay by"),
                                    widget=forms.DateInput(attrs={"type": "date", "id": "promise-date"}))  # fmt: skip
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=3, min_value=Decimal("0.001"),
                                widget=forms.NumberInput(attrs={"id": "promise-amount", "step": "0.01"}))  # fmt: skip
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3, "id": "promise-note"}))  # fmt: skip

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["promised_date"].widget.attrs["min"] = today.isoformat()

    def clean_promised_date(self) -> date:
        value: date = self.cleaned_data["promised_date"]
        if value < self.today:
            raise forms.ValidationError(_("The date cannot be in the past."))
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(f, initial) for f in files]
        if len(cleaned) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(n)d files.") % {"n": MAX_ATTACHMENTS})
        for f in cleaned:
            if f.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(mb)d MB.")
                    % {"name": f.name, "mb": MAX_ATTACHMENT_BYTES // 2**20}
                )
            if f.size == 0:
                raise forms.ValidationError(_("%(name)s is empty.") % {"name": f.name})
        return cleaned


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), widget=forms.Select(attrs={"id": "dispute-reason"}))
    lines = forms.TypedMultipleChoiceField(
        label=_("Lines concerned (none: the whole invoice)"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "lines"}),
    )  # fmt: skip
    message = forms.CharField(label=_("Message"), max_length=500,
                              widget=forms.Textarea(attrs={"rows": 5, "id": "dispute-message"}))  # fmt: skip
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False,
                                    widget=MultipleFileInput(attrs={"id": "dispute-attachments"}))  # fmt: skip

    def __init__(
        self, *args: Any, reasons: list[tuple[str, str]], lines: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Choose a reason")), *reasons]
        self.fields["lines"].choices = lines


class CaseMessageForm(forms.Form):
    message = forms.CharField(label=_("Your message"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4, "id": "case-message"}))  # fmt: skip
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False,
                                    widget=MultipleFileInput(attrs={"id": "case-attachments"}))  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("message") or "").strip() and not data.get("attachments"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        return data


class ContactsForm(forms.Form):
    emails = forms.CharField(label=_("Billing e-mail addresses (one a line)"), max_length=3000,
                             widget=forms.Textarea(attrs={"rows": 4, "id": "contacts-emails"}))  # fmt: skip
    channel = forms.ChoiceField(label=_("How do you want to receive invoices?"),
                                widget=forms.RadioSelect(attrs={"class": "channels"}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            ("email", _("By e-mail (PDF)")),
            ("peppol", _("Through the Peppol network (e-invoice)")),
            ("post", _("By post")),
            ("portal", _("In this portal only")),
        ]
