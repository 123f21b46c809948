"""A web form as a typed JSON body: each case action of the API takes the fields of its form
(`cases.actions.ACTIONS`), so that the OpenAPI document types them and a generated client is
typed end to end. The form still validates what only it knows (the units in scope, "one unit
or one company"); the schema says which fields there are, of which type and how long."""

from datetime import datetime
from typing import Annotated, Literal

from django import forms
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from ninja import Field, Schema
from pydantic import create_model

Id = Annotated[int, Field(ge=1, le=2**62)]  # database ids: larger numbers cannot exist


def form_schema(form_class: type[forms.Form], *, name: str) -> type[Schema]:
    """The body schema of a form's fields (files do not travel in JSON: they are left out)."""
    fields = {}
    with translation.override("en"):
        for field_name, field in form_class.base_fields.items():
            if isinstance(field, forms.FileField):
                continue
            annotation, default = _type(field), ...
            if not field.required:
                annotation, default = (
                    (annotation, "")
                    if isinstance(field, forms.CharField)
                    else (annotation | None, None)
                )
            description = str(field.label) if field.label else None
            fields[field_name] = (annotation, Field(default, description=description))
    return create_model(name, __base__=Schema, **fields)


def _type(field: forms.Field):
    """The JSON type of a form field."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return list[str] if field.to_field_name else list[Id]
    if isinstance(field, forms.ModelChoiceField):
        return Annotated[str, Field(max_length=50)] if field.to_field_name else Id
    values = [str(v) for v, _label in getattr(field, "choices", ()) if v != ""]
    if isinstance(field, forms.TypedChoiceField) and sorted(values) == ["0", "1"]:
        return bool  # a yes or no, "1" or "0" to the form
    if isinstance(field, forms.ChoiceField):
        return Literal[tuple(values)]
    if isinstance(field, forms.IntegerField):
        return Annotated[int, Field(ge=field.min_value or 1, le=2**62)]
    if isinstance(field, forms.DateTimeField):
        return datetime
    if isinstance(field, forms.BooleanField):
        return bool
    if isinstance(field, forms.CharField):
        return Annotated[str, Field(max_length=field.max_length)]
    raise TypeError(f"No JSON type for a {type(field).__name__}: add it here.")


def form_data(payload: Schema) -> MultiValueDict:
    """A body as the form's data: lists as repeated values, yes or no as the form's "1"/"0"."""
    data = MultiValueDict()
    for name, value in payload.dict().items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "1" if value else "0"
        data.setlist(name, value if isinstance(value, list) else [value])
    return data
