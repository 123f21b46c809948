from django import forms
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe


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
