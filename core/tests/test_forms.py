"""StyledForm's quick select: the markup Django's own Select widget would write."""

import re

from django import forms

from core.forms import QuickSelect, StyledForm


class Sample(StyledForm):
    colour = forms.ChoiceField(
        choices=[("", "Any"), ("red", "Red <b>"), ("blue", 'Blue "sky"')], required=False
    )
    size = forms.ChoiceField(choices=[("s", "Small"), ("l", "Large")])
    fruit = forms.ChoiceField(
        choices=[("Red", [("apple", "Apple"), ("cherry", "Cherry")]), ("Other", [("fig", "Fig")])]
    )


def _tight(html):
    return re.sub(r">\s+<", "><", html).strip()


def _django_markup(form, name):
    field = form[name]
    field.field.widget.__class__ = forms.Select
    return _tight(str(field))


def test_quick_select_writes_the_same_markup_as_django():
    for data in (
        {},
        {"colour": "blue", "size": "l", "fruit": "fig"},
        {"colour": "nope", "size": "s", "fruit": "cherry"},
    ):
        form = Sample(data or None)
        form.is_valid()
        for name in ("colour", "size", "fruit"):
            assert isinstance(form.fields[name].widget, QuickSelect)
            quick = _tight(str(form[name]))
            assert quick == _django_markup(form, name), (data, name)


def test_quick_select_marks_the_chosen_option_and_escapes_labels():
    html = str(Sample({"colour": "blue", "size": "s"})["colour"])
    assert '<option value="blue" selected>Blue &quot;sky&quot;</option>' in html
    assert "Red &lt;b&gt;" in html and "<b>" not in html
    assert html.count(" selected") == 1
    assert 'class="form-select"' in html
