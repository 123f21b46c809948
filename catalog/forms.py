from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Domain, ServiceList


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    list = forms.ModelChoiceField(
        label=_("List"),
        queryset=ServiceList.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All lists"),
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All domains"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.select_related("service_list"),
        required=False,
        to_field_name="code",
        empty_label=_("All categories"),
    )


class CatalogueImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
