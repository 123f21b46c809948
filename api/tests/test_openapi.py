"""The OpenAPI document tells the truth: every operation declares the errors it can answer,
all in the one `Error` schema, and every request body is typed (each case action by its web
form's fields), so that a client generated from it is typed end to end."""

from datetime import timedelta

import pytest
from django import forms
from django.test import Client
from django.utils import timezone

from api.services import token_create
from cases import services
from cases.actions import ACTIONS
from cases.models import Case, Extension
from core.testing import make_user
from orgs.roles import Role

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def document():
    from api.api import api

    return api.get_openapi_schema()


def _operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", method, operation


def _resolve(document, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_operation_declares_the_errors_it_can_answer(document):
    missing = {}
    for name, method, operation in _operations(document):
        expected = {"400"}  # a NUL character anywhere in a request
        parameters = operation.get("parameters", [])
        if operation.get("security"):
            expected.add("401")
            if method == "post":
                expected |= {"403", "429"}  # a session's write without CSRF; the allowance
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        if "requestBody" in operation:
            expected.add("422")
        responses = {str(status): r for status, r in operation["responses"].items()}
        declared = {
            status
            for status, response in responses.items()
            if response.get("content", {}).get("application/json", {}).get("schema") == ERROR
        }
        if expected - declared:
            missing[name] = sorted(expected - declared)
        undeclared = {s for s in responses if s >= "400"} - declared
        assert not undeclared, f"{name}: {undeclared} not in the Error schema"

    assert missing == {}


def test_the_error_schema_is_the_one_shape(document):
    error = document["components"]["schemas"]["Error"]

    assert (sorted(error["properties"]), sorted(error["required"])) == (
        ["code", "fields", "message"],
    ) * 2
    assert error["properties"]["fields"]["additionalProperties"] == {
        "items": {"type": "string"},
        "type": "array",
    }


def _untyped(document, schema: dict, where: str) -> list[str]:
    """Places in a schema where an object of any shape is allowed."""
    schema = _resolve(document, schema)
    found = []
    for alternative in schema.get("anyOf", []) + schema.get("allOf", []):
        found += _untyped(document, alternative, where)
    if schema.get("type") == "object":
        extra = schema.get("additionalProperties", False)
        if not schema.get("properties") and not isinstance(extra, dict):
            found.append(where)
        if extra is True:
            found.append(f"{where} (any extra field)")
    if schema.get("type") == "array":
        found += _untyped(document, schema.get("items", {}), f"{where}[]")
    for name, child in schema.get("properties", {}).items():
        found += _untyped(document, child, f"{where}.{name}")
    return found


def test_no_request_body_is_an_untyped_object(document):
    untyped = []
    for name, _method, operation in _operations(document):
        if "requestBody" in operation:
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            untyped += _untyped(document, body, name)

    assert untyped == []


def test_each_case_action_takes_its_forms_fields(document):
    taken = {}
    for name in ACTIONS:
        path = f"/api/v1/cases/{{tracking_no}}/actions/{name}"
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        schema = _resolve(document, body["schema"])
        taken[name] = (sorted(schema["properties"]), sorted(schema.get("required", [])))

    def fields(form):
        json = {n: f for n, f in form.base_fields.items() if not isinstance(f, forms.FileField)}
        return sorted(json), sorted(n for n, f in json.items() if f.required)

    assert taken == {name: fields(spec.form) for name, spec in ACTIONS.items()}
    assert taken["decide_extension"] == (["approve", "extension", "version"],) * 2
    assert taken["resolve"] == (["text", "version"],) * 2  # photos are not sent as JSON


# ---------------------------------------------------------------------------------------------
# The typed actions behave as the loose ones did


def _client(user):
    _token, key = token_create(user=user, name="typed")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.cookies["django_language"] = "en"
    return client


def _act(user, case, action, **body):
    return _client(user).post(
        f"/api/v1/cases/{case.tracking_no}/actions/{action}", body, content_type="application/json"
    )


@pytest.fixture
def case(report):
    return report(now=timezone.now())


def test_a_yes_or_no_is_a_boolean_and_a_deadline_an_instant(world, case):
    services.case_accept(case=case, actor=world.property_staff)
    due = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    asked = _act(
        world.property_staff,
        case,
        "extension",
        version=2,
        due=due.isoformat(),
        text="配件要从厂家订",
    )
    extension = Extension.objects.get(case=case)
    decided = _act(
        world.manager, case, "decide_extension", version=3, extension=extension.pk, approve=True
    )

    assert (asked.status_code, decided.status_code) == (200, 200)
    assert decided.json()["resolution_due"] == due.isoformat().replace("+00:00", "Z")
    extension.refresh_from_db()
    assert (extension.state, extension.new_due) == ("approved", due)


def test_a_list_of_units_calls_them_in(world, case):
    response = _act(world.secretary, case, "whistle", version=1, units=[world.G2.pk], text="需协调")

    assert response.status_code == 200
    assert list(case.participants.filter(org_unit=world.G2).values_list("role", flat=True)) == [
        "co_handler"
    ]


def test_what_only_the_form_knows_is_still_refused_by_it(world, case):
    both = _act(
        world.secretary, case, "transfer", version=1, org_unit=world.G2.pk, company=world.P2.pk
    )
    elsewhere = _act(world.manager, case, "transfer", version=1, org_unit=world.G3.pk)

    assert (both.status_code, both.json()["fields"]) == (
        400,
        {"__all__": ["Choose one unit or one company."]},
    )
    assert (elsewhere.status_code, elsewhere.json()["fields"]["org_unit"]) == (
        400,
        ["Select a valid choice. That choice is not one of the available choices."],
    )
    assert Case.objects.get(pk=case.pk).version == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"text": "好了"}, {"version": ["Field required"]}),
        (
            {"version": "two", "text": "好了"},
            {"version": ["Input should be a valid integer, unable to parse string as an integer"]},
        ),
        (
            {"version": 0, "text": "好了"},
            {"version": ["Input should be greater than or equal to 1"]},
        ),
        ({"version": 1, "text": ["好了"]}, {"text": ["Input should be a valid string"]}),
        (
            {"version": 1, "text": "长" * 2001},
            {"text": ["String should have at most 2000 characters"]},
        ),
    ],
)
def test_a_body_not_of_the_declared_type_is_422(world, case, body, fields):
    response = _act(world.manager, case, "reply", **body)

    assert (response.status_code, response.json()) == (
        422,
        {"code": "invalid", "message": "The request is not valid.", "fields": fields},
    )
    assert Case.objects.get(pk=case.pk).version == 1


def test_an_action_outside_ones_scope_looks_missing_and_changes_nothing(world, case):
    other_community = make_user("c2-staff", role=Role.COMMUNITY_STAFF, org_unit=world.C2)

    def answer(user):
        response = _act(user, case, "accept", version=1)
        return response.status_code, response.json()

    seen = {
        name: answer(user)
        for name, user in [
            ("other company", world.other_manager),
            ("other community", other_community),
            ("stranger", world.nobody),
            ("the resident", world.resident_user),
        ]
    }

    missing = (404, {"code": "not_found", "message": "Not found.", "fields": {}})
    assert seen == dict.fromkeys(seen, missing)
    assert Case.objects.get(pk=case.pk).status == "submitted"
