"""The OpenAPI document, the Postman export and the snippets describe the same request for
the same builder state: method, URL, headers and body, compared builder state by state."""

from __future__ import annotations

import ast
import json
import re
import shlex

import pytest
from django.http import QueryDict
from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from playground import snippets
from playground.builder import Builder

BASE = "http://testserver/sandbox"
TOKEN = "tok-consistency-123456"
STATES = [
    "type=new_datacenter_shared&country=Belgium&is_subscription=true&days=30"
    "&proxies[mixed]=1000&bandwidth=0",
    "type=new_datacenter_dedicated&country=Germany&is_subscription=false&days=30"
    "&proxies[us]=25&bandwidth=0&auth=bearer",
    "type=new_residential&country=France&bandwidth=5&duration=60d&coupon_code=SAVE10",
    "type=new_residential_unlimited&country=Spain&location=3&days=7",
    "type=new_serp&country=Italy&requests=10000",
    "mode=raw&body=" + json.dumps({"type": "new_residential", "country": "Belgium",
                                   "bandwidth": 1, "email": "ops@example.com"}),
    "endpoint=status&order_id=0b7c6a52-1f0e-4d6b-9a55-3c1f0e2d4b6a&auth=bearer",
    "endpoint=balance",
]


def from_openapi(document: dict, spec, auth: str) -> dict:
    """The request as the document describes it: the operation whose path template matches,
    the header its security scheme names, and the body checked against its schema."""
    matches = []
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, spec.path) and spec.method.lower() in item:
            matches.append(item[spec.method.lower()])
    (operation,) = matches
    schemes = document["components"]["securitySchemes"]
    scheme = schemes["bearerJwt" if auth == "bearer" else "apiToken"]
    assert {next(iter(s)) for s in operation["security"]} == set(schemes)
    headers = ({"Authorization": f"Bearer {TOKEN}"} if scheme["type"] == "http"
               else {scheme["name"]: TOKEN})
    body = None
    if "requestBody" in operation:
        (media,) = operation["requestBody"]["content"]
        headers["Content-Type"] = media
        registry = Registry().with_resource("urn:doc", DRAFT202012.create_resource(document))
        ref = operation["requestBody"]["content"][media]["schema"]["$ref"]
        validator = Draft202012Validator({"$ref": "urn:doc" + ref}, registry=registry)
        errors = [e.message for e in validator.iter_errors(spec.body)]
        assert errors == []
        body = spec.body
    server = next(s["url"] for s in document["servers"] if s["url"].endswith("/sandbox"))
    return {"method": spec.method, "url": server + spec.path, "headers": headers, "body": body}


def from_postman(collection: dict, environment: dict) -> dict:
    values = {v["key"]: v["value"] for v in environment["values"]} | {"api_token": TOKEN}

    def fill(text: str) -> str:
        return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], text)

    request = collection["item"][0]["request"]
    body = request.get("body", {}).get("raw")
    return {"method": request["method"], "url": fill(request["url"]["raw"]),
            "headers": {h["key"]: fill(h["value"]) for h in request["header"]},
            "body": None if body is None else json.loads(body)}


def from_curl(text: str) -> dict:
    words = shlex.split(text.replace("\\\n", " "))
    assert words[:2] == ["curl", "-sS"]
    headers, body = {}, None
    for flag, value in zip(words[3::2], words[4::2], strict=True):
        if flag == "-H":
            name, _, content = value.partition(": ")
            headers[name] = content
        elif flag == "--data-raw":
            body = json.loads(value)
    return {"method": "POST" if body is not None else "GET", "url": words[2],
            "headers": headers, "body": body}


def from_python(text: str) -> dict:
    tree = ast.parse(text)
    payload = None
    call = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "payload":
            payload = ast.literal_eval(node.value)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("get", "post") \
                and getattr(node.func.value, "id", "") == "requests":
            call = node
    keywords = {k.arg: k.value for k in call.keywords}
    return {"method": call.func.attr.upper(), "url": ast.literal_eval(call.args[0]),
            "headers": ast.literal_eval(keywords["headers"]),
            "body": payload if "data" in keywords else None}


def from_node(text: str) -> dict:
    url = re.search(r'fetch\("([^"]+)"', text).group(1)
    method = re.search(r'method: "([A-Z]+)"', text)
    return {"method": method.group(1) if method else "GET", "url": url}


@pytest.mark.parametrize("query", STATES)
def test_openapi_postman_and_snippets_describe_the_same_request(db, query):
    client = Client()
    builder = Builder.from_query(QueryDict(query))
    spec = builder.spec
    assert spec is not None
    document = client.get("/openapi.json").json()
    collection = client.get(f"/export/postman/collection.json?{query}")
    assert collection.status_code == 200
    environment = client.get("/export/postman/environment.json").json()
    options = snippets.SnippetOptions(base_url=BASE, auth=builder.auth, token_mode="literal",
                                      token=TOKEN)

    expected = from_openapi(document, spec, builder.auth)
    assert from_postman(collection.json(), environment) == expected
    assert from_curl(snippets.render(spec, "curl", "single", options)) == expected
    assert from_python(snippets.render(spec, "python", "single", options)) == expected
    node = from_node(snippets.render(spec, "node", "single", options))
    assert node == {"method": expected["method"], "url": expected["url"]}
