"""The API's docs page: the OpenAPI document rendered on the server as plain HTML.

The machines run offline and the Content-Security-Policy allows no script
from elsewhere, so the page has no JavaScript at all: each operation with its
parameters, request bodies and responses, then every schema with its fields,
all read from the same document as ``/api/v1/openapi.json``. One small CSS
file is served beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template_string

__all__ = ["register", "operations", "schemas"]

ASSETS = Path(__file__).resolve().parent / "docs_assets"
METHODS = ("get", "post", "put", "patch", "delete")
bp = Blueprint("api_docs", __name__)


def register(app: Flask) -> None:
    from . import API_PREFIX

    app.register_blueprint(bp, url_prefix=f"{API_PREFIX}/docs")


@bp.get("")
def page() -> str:
    spec = current_app.extensions["motcua.api"].spec.to_dict()
    template = (ASSETS / "docs.html").read_text(encoding="utf-8")
    return render_template_string(
        template, info=spec["info"], groups=operations(spec), schemas=schemas(spec)
    )


@bp.get("/docs.css")
def stylesheet() -> Response:
    css = (ASSETS / "docs.css").read_text(encoding="utf-8")
    return Response(css, mimetype="text/css")


def operations(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Operations grouped by tag, in the order the tags are declared."""
    tags = [tag["name"] for tag in spec.get("tags", [])]
    groups: dict[str, list[dict[str, Any]]] = {tag: [] for tag in tags}
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            tag = (operation.get("tags") or ["khác"])[0]
            groups.setdefault(tag, []).append(_operation(spec, path, method, operation, shared))
    descriptions = {tag["name"]: tag.get("description", "") for tag in spec.get("tags", [])}
    return [(f"{tag} — {descriptions.get(tag, '')}", ops) for tag, ops in groups.items() if ops]


def _operation(
    spec: dict[str, Any], path: str, method: str, operation: dict[str, Any], shared: list[Any]
) -> dict[str, Any]:
    parameters = [_resolve(spec, p) for p in [*shared, *operation.get("parameters", [])]]
    body = operation.get("requestBody", {}).get("content", {})
    responses = {
        status: _resolve(spec, response) for status, response in operation["responses"].items()
    }
    return {
        "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "public": operation.get("security") == [],
        "parameters": [
            {
                "name": p["name"],
                "in": p["in"],
                "required": p.get("required", False),
                "type": _type(p.get("schema", {})),
                "description": p.get("description", ""),
            }
            for p in parameters
        ],
        "body": [(media, _type(content.get("schema", {}))) for media, content in body.items()],
        "responses": [
            (
                status,
                response.get("description", ""),
                [(m, _type(c.get("schema", {}))) for m, c in response.get("content", {}).items()],
            )
            for status, response in sorted(responses.items())
        ],
    }


def schemas(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = spec.get("components", {}).get("schemas", {})
    return [
        {
            "name": name,
            "fields": [
                {
                    "name": field,
                    "type": _type(prop),
                    "required": field in schema.get("required", []),
                    "description": prop.get("description", ""),
                }
                for field, prop in schema.get("properties", {}).items()
            ],
        }
        for name, schema in sorted(found.items())
    ]


def _resolve(spec: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    reference = item.get("$ref")
    if not reference:
        return item
    node: Any = spec
    for part in reference.lstrip("#/").split("/"):
        node = node[part]
    return dict(node)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "any")
    if kind == "array":
        return f"[{_type(schema.get('items', {}))}]"
    if "enum" in schema:
        return f"{kind}: {' | '.join(str(v) for v in schema['enum'])}"
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)
