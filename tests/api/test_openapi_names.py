"""OpenAPI component names are unique (issue 10): two schemas or enums of one name overwrote
each other, so the activity kind listed funding kinds and the project detail failed its own
schema. Each operation's models, rendered alone, must equal the published components."""

from __future__ import annotations

from typing import Any

from ninja.openapi.schema import OpenAPISchema

from yiqiao.api import api


def _strip(schema: Any) -> Any:
    """Compare structure, not prose: titles, descriptions and defaults may differ between
    renderings, and a $ref wrapped in a one-item allOf (to carry a default) is that $ref."""
    if isinstance(schema, list):
        return [_strip(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    kept = {k: _strip(v) for k, v in schema.items() if k not in {"title", "description", "default"}}
    if list(kept) == ["allOf"] and len(kept["allOf"]) == 1:
        return kept["allOf"][0]
    return kept


def _renderings(operation: Any) -> list[dict[str, Any]]:
    """Each model of an operation rendered alone, as the API renders it (inputs for
    validation, responses for serialisation with the operation's alias choice)."""
    ref = "#/components/schemas/{model}"
    found = [m.model_json_schema(ref_template=ref, mode="validation") for m in operation.models]
    for response in operation.response_models.values():
        if hasattr(response, "model_json_schema"):
            found.append(
                response.model_json_schema(
                    ref_template=ref, by_alias=operation.by_alias, mode="serialization"
                )
            )
    return found


def test_it_names_every_component_once() -> None:
    published = api.get_openapi_schema()["components"]["schemas"]
    clashes = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for alone in _renderings(operation):
                    defs = alone.pop("$defs", {})
                    name = alone.get("title")
                    for def_name, definition in defs.items():
                        if _strip(published.get(def_name)) != _strip(definition):
                            clashes.add(def_name)
                    if name in published and _strip(published[name]) != _strip(alone):
                        clashes.add(name)
    assert ", ".join(sorted(clashes)) == ""


def test_it_publishes_a_schema_that_the_api_docs_can_load() -> None:
    schema = api.get_openapi_schema()
    assert isinstance(schema, OpenAPISchema)
    assert schema["openapi"].startswith("3.")
