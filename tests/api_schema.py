"""The generated OpenAPI schema as JSON Schema, to check that what the API sends is what the schema
says (the contract REST clients generate code from; issue 10, item 15)."""

import jsonschema


def as_json_schema(node):
    """OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a null type beside the declared one, and
    a boolean `exclusiveMaximum` (draft 4) the bound itself."""
    if isinstance(node, list):
        return [as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: as_json_schema(v) for k, v in node.items() if k != "nullable"}
    for bound, exclusive in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
        if out.get(exclusive) is True:
            out[exclusive] = out.pop(bound)
        elif out.get(exclusive) is False:
            del out[exclusive]
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def response_schema(schema, path, method, code):
    responses = schema["paths"][path][method]["responses"]
    assert code in responses, f"{method} {path} does not document {code}: {sorted(responses)}"
    return responses[code]["content"]["application/json"]["schema"]


def check_against(schema, operation_schema, body) -> None:
    """Raise jsonschema.ValidationError unless `body` matches `operation_schema` (refs resolved in `schema`)."""
    jsonschema.validate(body, {"components": as_json_schema(schema["components"]), **as_json_schema(operation_schema)})


def check(schema, path, method, code, body) -> None:
    """Raise unless `body` is what the schema says `method path` answers with `code`."""
    check_against(schema, response_schema(schema, path, method, code), body)
