from itertools import groupby

from django.shortcuts import render

from catalog.forms import CatalogueFilterForm
from catalog.selectors import catalogue_search
from core.http import is_htmx
from core.replica import replica_reads


@replica_reads
def public_catalogue(request):
    """The published service lists (公示), open to everyone."""
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    items = catalogue_search(
        query=data.get("q") or "",
        list_code=data["list"].code if data.get("list") else "",
        domain_code=data["domain"].code if data.get("domain") else "",
        category_code=data["category"].code if data.get("category") else "",
    )
    sections = [
        (
            service_list,
            [
                (category, list(rows))
                for category, rows in groupby(list_items, key=lambda i: i.category)
            ],
        )
        for service_list, list_items in groupby(items, key=lambda i: i.service_list)
    ]
    template = "catalog/public.html#results" if is_htmx(request) else "catalog/public.html"
    return render(request, template, {"form": form, "sections": sections, "count": len(items)})
