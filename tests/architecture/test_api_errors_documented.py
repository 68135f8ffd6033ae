"""The OpenAPI schema documents the errors each operation answers, in one JSON shape, so the schema
a REST client generates code from agrees with what the API sends (the schema fuzzer checks it live)."""

from core.api.schema import ERROR_SCHEMA


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method.upper(), operation


def test_every_operation_documents_its_auth_errors_as_json(schema):
    operations = list(_operations(schema))
    assert len(operations) > 50
    for path, method, operation in operations:
        for code in ("401", "403"):
            response = operation["responses"].get(code)
            assert response, f"{method} {path} does not document {code}"
            assert response["content"]["application/json"]["schema"] == ERROR_SCHEMA


def test_operations_on_one_object_document_404_and_writes_document_400(schema):
    for path, method, operation in _operations(schema):
        codes = operation["responses"]
        if "{" in path:
            assert "404" in codes, f"{method} {path}"
        if method in {"POST", "PUT", "PATCH"}:
            assert {"400", "413", "415"} <= set(codes), f"{method} {path}"


def test_success_responses_are_left_as_the_views_declare_them(schema):
    """The error codes are added beside the success response, never in its place."""
    people = schema["paths"]["/api/v1/people/{id}/"]["get"]["responses"]
    assert people["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Person"}
