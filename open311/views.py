"""The GeoReport v2 endpoint. Each view checks the call, asks a selector or service, renders.

The format comes from the file extension (``.xml`` or ``.json``); an unknown one is a 404 in
XML. Errors are always an `errors` list: 404 unknown thing, 403 missing or wrong ``api_key``,
429 rate limited (with Retry-After), 400 for everything else.
"""

from functools import wraps

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.errors import ApplicationError, Forbidden, NotFound
from core.ratelimit import rate_limit_check
from core.replica import replica_reads
from open311 import definitions, render, selectors, services, wire

RATE_WINDOW_SECONDS = 60


def endpoint(*methods):
    """Format from the extension, allowed methods, and every error as an `errors` document."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, fmt=None, **kwargs):
            if fmt not in render.FORMATS:
                return render.errors("xml", status=404, messages=[_("Unknown format.")])
            allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())
            if request.method not in allowed:
                message = _("Use %(methods)s here.") % {"methods": " or ".join(methods)}
                return render.errors(fmt, status=400, messages=[message])
            kwargs = {name: wire.clean_text(value) for name, value in kwargs.items()}
            try:
                return view(request, fmt, **kwargs)
            except wire.InvalidRequest as error:
                return render.errors(fmt, status=400, messages=error.errors)
            except ApplicationError as error:
                status = error.status if error.status in (403, 404, 429) else 400
                headers = {"Retry-After": str(RATE_WINDOW_SECONDS)} if status == 429 else None
                return render.errors(fmt, status=status, messages=[error.message], headers=headers)
            except ValidationError as error:
                return render.errors(fmt, status=400, messages=error.messages)
            except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
                return render.errors(
                    fmt, status=400, messages=[_("The request body is unreadable.")]
                )

        # GeoReport's reads are public and may be a moment old: from the replica, if any.
        return replica_reads(wrapper)

    return decorate


@endpoint("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri(request.path.rsplit("/", 1)[0])
    return render.discovery(
        fmt,
        url=base,
        changed=selectors.DISCOVERY_CHANGED,
        endpoint_changed=selectors.endpoint_changeset(),
    )


@endpoint("GET")
def services_list(request, fmt):
    selectors.jurisdiction_resolve(jurisdiction_id=wire.Params(request).get("jurisdiction_id"))
    return render.services(fmt, items=selectors.services_list())


@endpoint("GET")
def service_definition(request, fmt, code):
    selectors.jurisdiction_resolve(jurisdiction_id=wire.Params(request).get("jurisdiction_id"))
    item = selectors.service_get(code=code)
    return render.service_definition(fmt, item=item, attributes=definitions.attributes_for(item))


@endpoint("GET", "POST")
def requests(request, fmt):
    params = wire.Params(request)
    if request.method == "POST":
        return _request_create(request, fmt, params)
    community = selectors.jurisdiction_resolve(jurisdiction_id=params.get("jurisdiction_id"))
    query = wire.request_query(params, now=timezone.now())
    cases = selectors.requests_query(community=community, query=query)
    return render.requests(fmt, cases=cases, site=request.build_absolute_uri("/"))


def _client(params, *, writes: str | None = None):
    """The client the `api_key` belongs to, within its allowance of `writes` per minute, for
    its own jurisdiction."""
    api_key = params.get("api_key")
    client = services.client_for_key(key=api_key)
    if client is None:
        raise Forbidden(_("api_key is missing.") if not api_key else _("api_key is not valid."))
    if writes:
        rate_limit_check(
            key=f"{writes}:{client.pk}",
            limit=client.rate_limit_per_minute,
            window_seconds=RATE_WINDOW_SECONDS,
        )
    selectors.jurisdiction_check(client=client, jurisdiction_id=params.get("jurisdiction_id"))
    return client


def _request_create(request, fmt, params):
    client = _client(params, writes="open311")
    new = wire.new_request(params, headers=request.headers)
    case = services.request_submit(client=client, request=new, photos=wire.photos(request))
    return render.created(fmt, case=case)


@endpoint("GET", "POST")
def request_updates(request, fmt):
    """mySociety's extension: the updates of the key's jurisdiction in a window (GET), and a
    resident's comment that the client passes on (POST)."""
    params = wire.Params(request)
    if request.method == "POST":
        client = _client(params, writes="open311-update")
        update = wire.new_update(params)
        event = services.request_update_submit(client=client, update=update)
        return render.update_created(fmt, event=event)
    client = _client(params)
    query = wire.update_query(params, now=timezone.now())
    events = selectors.request_updates(community=client.community, query=query)
    return render.updates(fmt, events=events, site=request.build_absolute_uri("/"))


@endpoint("GET")
def request_detail(request, fmt, tracking_no):
    community = selectors.jurisdiction_resolve(
        jurisdiction_id=wire.Params(request).get("jurisdiction_id")
    )
    case = selectors.request_get(community=community, tracking_no=tracking_no)
    return render.requests(fmt, cases=[case], site=request.build_absolute_uri("/"))


@endpoint("GET")
def token(request, fmt, token):
    """Requests get their id at once (every service is realtime): no token is ever issued."""
    selectors.jurisdiction_resolve(jurisdiction_id=wire.Params(request).get("jurisdiction_id"))
    raise NotFound(_("Unknown token."))


@csrf_exempt
def not_found(request, path=""):
    return render.errors("xml", status=404, messages=[_("There is nothing here.")])
