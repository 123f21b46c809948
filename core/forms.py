import hashlib
import uuid

from django import forms
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext_lazy

from core.errors import InvalidInput

# Django's own validation messages, as residents should read them ("最多 2000 字（现在 2113
# 字）。", not "确保该变量包含不超过 2000 字符"). Our catalogues (`locale/`) translate these
# msgids and take precedence over Django's, for every form and model of the project at once.
# Listed here so that makemessages keeps them; `core/tests/test_forms.py` checks that forms and
# model fields still use these words (a Django upgrade may reword one).
DJANGO_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("This field cannot be blank."),
    gettext_noop("This field cannot be null."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Enter a list of values."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("%(model_name)s with this %(field_label)s already exists."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "max",
    ),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Null characters are not allowed."),
)


class QuickSelect(forms.Select):
    """A single-choice select written out in Python, with the same markup as Django's.

    Django renders every option through a template, ~0.1 ms each; the inbox filter lists
    every catalogue item, so its selects took a quarter of the page's time. Grouped choices
    (optgroups) are left to Django."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(iter(self.choices))  # iter(): list() would ask a queryset's count first
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{conditional_escape(v)}"{" selected" if str(v) in chosen else ""}>'
            f"{conditional_escape(label)}</option>"
            for v, label in choices
        )
        attrs = format_html_join(
            "",
            " {}{}",
            (
                (key, "" if value is True else format_html('="{}"', value))
                for key, value in self.build_attrs(self.attrs, attrs).items()
                if value is not False
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attrs, mark_safe(options))


class StyledForm(forms.Form):
    """A form whose widgets carry the CSS framework's classes, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if type(widget) is forms.Select:
                widget.__class__ = QuickSelect  # same state, quicker rendering
            if getattr(field, "empty_label", None) == "---------":  # Django's own, untranslated
                field.empty_label = _("Choose…")
            if isinstance(
                widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def valid_data(self) -> dict:
        """The fields that passed validation (none for an unbound form). A filter form applies
        these, and shows the errors of the rest (`core/filter_errors.html`)."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})


def form_refusal(form) -> InvalidInput:
    """A bound form's errors as one refusal, for a form whose fields are not re-rendered
    (an htmx action answered next to its form, or a message on the page it returns to)."""
    problems = []
    for name, errors in form.errors.items():
        field = form[name] if name in form.fields else None
        for message in errors:
            if field is None or field.is_hidden:  # nothing the user could correct by label
                problems.append(message)
            else:
                problems.append(
                    _("%(field)s: %(message)s") % {"field": field.label, "message": message}
                )
    return InvalidInput(problems)


def idempotency_key_field(*, required=True) -> forms.CharField:
    """A form's hidden key, new on every page: a form sent twice (a retry, a phone that kept it
    offline and sends it again) is one request. Bind it to the content with `content_key`."""
    return forms.CharField(
        widget=forms.HiddenInput, initial=_new_key, max_length=64, required=required
    )


def _new_key() -> str:
    return uuid.uuid4().hex


def content_key(data: dict, *names: str) -> str:
    """The form's key bound to what it says: sent twice it names one request; edited after Back
    (the browser may keep the old key), or a second one written on the same page, it is a new
    request, not a reuse of the key."""
    content = "\x1f".join(str(getattr(data.get(n), "pk", data.get(n)) or "") for n in names)
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    return f"{data.get('idempotency_key', '')[:40]}-{digest}"
