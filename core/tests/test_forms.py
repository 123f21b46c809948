"""StyledForm's quick select: the markup Django's own Select widget would write; validation
messages as residents read them."""

import re

import pytest
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


class Report(StyledForm):
    text = forms.CharField(max_length=5)
    short = forms.CharField(min_length=3, required=False)
    count = forms.IntegerField(max_value=9, required=False)
    day = forms.DateField(required=False)
    at = forms.DateTimeField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A")], required=False)
    photo = forms.ImageField(required=False)


BAD = {"text": "楼道堆满杂物了", "short": "漏", "count": "十", "day": "2026-13-01", "kind": "z"}


def _errors(data, files=None):
    form = Report(data, files)
    form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


def test_validation_messages_read_as_plain_chinese():
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = {"photo": SimpleUploadedFile("a.jpg", b"not a picture")}

    assert _errors({}) == {"text": ["此项必填。"]}
    assert _errors({**BAD, "count": "12", "at": "昨天"}, photo) == {
        "text": ["最多 5 字（现在 7 字）。"],
        "short": ["至少 3 字（现在 1 字）。"],
        "count": ["不能大于 9。"],
        "day": ["请填写正确的日期。"],
        "at": ["请填写正确的日期和时间。"],
        "kind": ["“z”不在可选范围内，请重新选择。"],
        "photo": ["这不是能打开的图片，请换一张。"],
    }
    assert _errors({"text": "好", "count": "十"}) == {"count": ["请填写整数。"]}


def test_model_validation_messages_read_as_plain_chinese_too():
    from django.core.exceptions import ValidationError
    from django.db import models

    with pytest.raises(ValidationError) as refused:
        models.CharField(max_length=5).clean("楼道堆满杂物了", None)

    assert refused.value.messages == ["最多 5 字（现在 7 字）。"]


def test_validation_messages_in_english_keep_djangos_words():
    from django.utils import translation

    with translation.override("en"):
        errors = _errors({"text": "abcdefg"})

    assert errors == {"text": ["Ensure this value has at most 5 characters (it has 7)."]}
