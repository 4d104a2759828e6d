"""The OpenAPI 3.1 document of the Account API's ordering endpoints, built at request time
from the catalogue (products, fields, choices, ranges), ``playground.spec`` (methods,
paths, statuses, permissions) and the error texts the sandbox answers. Nothing in it is
written by hand, so it cannot drift from the forms or the sandbox.
"""

from __future__ import annotations

from playground import __version__, catalogue, spec, strictjson
from playground.contract import errors

LIVE_BASE = "https://api.proxyscrape.com"
OPENAPI_VERSION = "3.1.0"
ASSUMED = "**Assumed**: the vendor's page does not document this; the sandbox implements it."
ENDPOINT_NAMES = ("create", "status", "balance", "me", "subaccounts", "proxy-list")
OPERATION_IDS = {"create": "createOrder", "status": "getOrderStatus", "balance": "getBalance",
                 "me": "getMe", "subaccounts": "listSubaccounts", "proxy-list": "getProxyList"}
SECURITY_SCHEMES = {
    "apiToken": {"type": "apiKey", "in": "header", "name": "api-token",
                 "description": "The account's API key, server to server."},
    "bearerJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                  "description": "A signed-in caller's JWT (the sandbox also takes a demo "
                                 "token here)."},
}
# Either scheme on every endpoint (CONTRACT 1).
SECURITY: list[dict[str, list[str]]] = [{"apiToken": []}, {"bearerJwt": []}]


CARRIABLE_TEXT = "^[^\\u0000]*$"
PACKAGE_SIZES = (" One of the package sizes on sale (the sandbox's price list, assumed for the "
                 "live API); another size gets the pricing 400.")


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def product_schema_name(product_type: str) -> str:
    return "Order_" + product_type


# --- request bodies, one per product ------------------------------------------------------

def _json_type(value: object) -> str:
    return "integer" if isinstance(value, int) and not isinstance(value, bool) else "string"


def _field_schema(f: catalogue.Field) -> dict:
    described = f"{f.label}. {f.help}".strip()
    if f.kind == "country":
        schema: dict = _ref("Country")
    elif f.kind == "bool":
        schema = {"type": "boolean"}
    elif f.kind == "choice":
        keys = list(f.choices)
        schema = {"type": _json_type(keys[0]), "enum": keys}
        described += " " + "; ".join(f"{k}: {v}" for k, v in f.choices.items())
    elif f.kind == "int":
        schema = {"type": "integer", "minimum": f.minimum}
        if f.choices:
            schema["enum"] = list(f.choices)
            described += " " + "; ".join(f"{k}: {v}" for k, v in f.choices.items())
        elif f.suggestions:
            schema["enum"] = list(f.suggestions)
            described += PACKAGE_SIZES
    else:
        raise ValueError(f.kind)
    if not f.required:  # null, like leaving it out
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        described += " Optional; null or left out means none."
    if f.default is not None:
        schema["default"] = f.default
    schema["description"] = described
    return schema


def _pool_properties(f: catalogue.Field) -> tuple[dict, list[dict]]:
    """``proxies[<location>]``: one property per location, exactly one of them present."""
    properties = {}
    for location, name in f.choices.items():
        schema: dict = {"type": "integer", "minimum": f.minimum, "enum": list(f.suggestions),
                        "description": f"{f.label} at {name}. {f.help}{PACKAGE_SIZES}"}
        properties[catalogue.pool_field(location)] = schema
    return properties, [{"required": [name]} for name in properties]


def _shared_properties() -> dict:
    text = {"anyOf": [_ref("Text"), {"type": "null"}]}
    return {
        "coupon_code": {**text, "description": "Optional coupon. The sandbox knows SAVE10, "
                        "FIVEOFF and the scenario coupons SANDBOX-BLOCK, SANDBOX-FAIL, "
                        "SANDBOX-SLOW; the live API has its own.", "examples": ["SAVE10"]},
        "email": {**text, "description": "Overrides the account's email for this order."},
        "fname": {**text, "description": "Overrides the account's first name."},
        "lname": {**text, "description": "Overrides the account's last name."},
    }


def product_schema(product: catalogue.Product) -> dict:
    properties: dict = {"type": {"type": "string", "const": product.type,
                                 "description": "The product."}}
    required = ["type"]
    one_of: list[dict] = []
    for f in product.fields:
        if f.kind == "pool":
            pool, one_of = _pool_properties(f)
            properties.update(pool)
            continue
        properties[f.name] = _field_schema(f)
        if f.required:
            required.append(f.name)
    properties.update(_shared_properties())
    description = f"{product.label}: {product.summary}"
    if product.assumed:
        description += " " + ASSUMED.replace("this", "this product's field shape")
    schema = {"type": "object", "title": product.label, "description": description,
              "properties": properties, "required": required,
              "propertyNames": _ref("Text"), "additionalProperties": _ref("JsonValue"),
              "examples": [catalogue.default_body(product.type)]}
    if one_of:
        schema["oneOf"] = one_of
    return schema


def order_request_schema() -> dict:
    return {
        "oneOf": [_ref(product_schema_name(t)) for t in catalogue.PRODUCTS],
        "discriminator": {"propertyName": "type", "mapping": {
            t: f"#/components/schemas/{product_schema_name(t)}" for t in catalogue.PRODUCTS}},
    }


# --- response objects ----------------------------------------------------------------------

def subaccount_schema() -> dict:
    return {
        "type": "object",
        "description": "A subaccount, as an order's ``subaccount`` and as each entry of the "
                       "subaccount list.",
        "required": ["AccountID", "AccountType", "label", "time_added"],
        "properties": {
            "AccountID": {"type": "string", "format": "uuid",
                          "description": "The {subAccountId} of the per-product endpoints."},
            "AccountType": {"type": "string",
                            "examples": [p.account_type for p in catalogue.PRODUCTS.values()]},
            "label": {"type": "string"},
            "time_added": {"type": "integer", "description": "Unix seconds."},
        },
    }


def order_schema() -> dict:
    return {
        "type": "object",
        "required": ["order_id", "status", "type", "created_at", "updated_at", "price",
                     "currency", "paid_with_credit", "subaccount"],
        "properties": {
            "order_id": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "enum": list(spec.ORDER_STATUSES),
                       "description": f"{spec.PAID}: keep polling; "
                                      f"{', '.join(spec.TERMINAL_STATUSES)}: final."},
            "type": {"type": "string", "enum": list(catalogue.PRODUCTS)},
            "created_at": {"type": "integer", "description": "Unix seconds."},
            "updated_at": {"type": "integer", "description": "Unix seconds."},
            "price": {"type": "string", "pattern": r"^\d+\.\d{2}$", "examples": ["26.10"]},
            "currency": {"type": "string", "examples": ["USD"]},
            "paid_with_credit": {"type": "boolean"},
            "subaccount": {"anyOf": [_ref("Subaccount"), {"type": "null"}],
                           "description": "Null until the order is processed."},
            "block_reason": {"type": "string", "description": "Only when blocked."},
        },
    }


def balance_schema() -> dict:
    return {"type": "object", "required": ["balance", "currency"],
            "properties": {"balance": {"type": "number", "examples": [42.5]},
                           "currency": {"type": "string", "examples": ["USD"]}}}


def me_schema() -> dict:
    return {"type": "object", "required": ["email", "api_ordering_discount"],
            "description": ASSUMED.replace("this", "this shape"),
            "properties": {"email": {"type": "string"},
                           "api_ordering_discount": {"type": "number", "minimum": 0,
                                                     "description": "Percent; 0 when none."},
                           "fname": {"type": "string"}, "lname": {"type": "string"},
                           "permissions": {"type": "array", "items": {"type": "string"}}}}


def subaccount_list_schema() -> dict:
    return {"type": "object", "required": ["subaccounts"],
            "description": ASSUMED.replace("this", "this shape (``data.subaccounts``)"),
            "properties": {"subaccounts": {"type": "array", "items": _ref("Subaccount")}}}


def _success(data: dict) -> dict:
    return {"type": "object", "required": ["success", "data"],
            "properties": {"success": {"const": True}, "data": data}}


ERROR_SCHEMA = {"type": "object", "required": ["success", "error"],
                "properties": {"success": {"const": False}, "error": {"type": "string"}}}


# --- operations ----------------------------------------------------------------------------

def _error_response(description: str, examples: list[tuple[str, str, bool]]) -> dict:
    content: dict = {"schema": _ref("Error")}
    if examples:
        content["examples"] = {
            name: {"summary": text if documented else f"{text} (assumed text)",
                   "value": {"success": False, "error": text}}
            for name, text, documented in examples}
    return {"description": description, "content": {"application/json": content}}


STATUS_WORDS = {400: "Refused", 401: "No valid identity", 403: "Not permitted",
                404: "Not found", 405: "Method not allowed"}


def _responses(name: str, ok: dict) -> dict:
    responses = {"200": ok}
    for status, examples in errors.ERRORS[name].items():
        responses[str(status)] = _error_response(STATUS_WORDS[status], examples)
    if "404" not in responses:  # a path the API does not route (e.g. a %2F in an id)
        responses["404"] = _error_response("No such endpoint", [])
    method = _method(name)
    responses["405"] = {
        "description": "Another method than " + method,
        "headers": {"Allow": {"schema": {"type": "string", "const": method}}},
        "content": {"application/json": {
            "schema": _ref("Error"),
            "example": {"success": False, "error": errors.method_not_allowed("DELETE")}}}}
    return responses


def _method(name: str) -> str:
    return spec.RequestSpec(name).method


def _json_ok(description: str, data: dict) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _success(data)}}}


def _path_of(name: str) -> str:
    if name == "status":
        return spec.ENDPOINTS["status"][1].replace("{order_id}", "{orderId}")
    if name == "proxy-list":
        return spec.PROXY_LIST[1].replace("{subaccount_id}", "{subAccountId}").replace(
            "{account_type}", "{AccountType}")
    return spec.RequestSpec(name).path


def _operation(name: str) -> dict:
    label = spec.RequestSpec(name).label
    permission = spec.PERMISSIONS.get(name)
    described = f"Needs `{permission}`." if permission else "Any valid identity."
    operation: dict = {"operationId": OPERATION_IDS[name], "summary": label,
                       "tags": ["documented" if name in spec.ENDPOINTS else "assumed"],
                       "security": SECURITY}
    if name == "create":
        operation["description"] = (
            described + " Pays from the wallet: the API ignores pay_with_credit and "
            "no_redirect and behaves as if both were 1. Answers the new order's id at once; "
            "poll its status until it is final.")
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": _ref("OrderRequest")}}}
        ok = _json_ok("The order was placed and paid",
                      {"type": "string", "format": "uuid", "description": "The order id."})
        ok["links"] = {"GetOrderStatus": {"operationId": OPERATION_IDS["status"],
                                          "parameters": {"orderId": "$response.body#/data"}}}
        operation["responses"] = _responses(name, ok)
    elif name == "status":
        operation["description"] = (described + " Another account's order is the same 404 "
                                    "as an unknown id.")
        operation["parameters"] = [{"name": "orderId", "in": "path", "required": True,
                                    "schema": {"type": "string", "format": "uuid"}}]
        ok = _json_ok("The order", _ref("Order"))
        ok["links"] = {"GetProxyList": {  # once processed, the subaccount's next step
            "operationId": OPERATION_IDS["proxy-list"],
            "parameters": {"subAccountId": "$response.body#/data/subaccount/AccountID",
                           "AccountType": "$response.body#/data/subaccount/AccountType"}}}
        operation["responses"] = _responses(name, ok)
    elif name == "balance":
        operation["description"] = (described + " The 403 text is assumed (the status "
                                    "endpoint's wording pattern).")
        operation["responses"] = _responses(name, _json_ok("The wallet", _ref("Balance")))
    elif name == "me":
        operation["description"] = f"{described} {ASSUMED.replace('this', 'this path')}"
        operation["responses"] = _responses(name, _json_ok("Who the caller is", _ref("Me")))
    elif name == "subaccounts":
        operation["description"] = f"{described} {ASSUMED.replace('this', 'this shape')}"
        operation["responses"] = _responses(name, _json_ok("The subaccounts",
                                                           _ref("SubaccountList")))
    else:  # proxy-list
        query = dict(pair.split("=") for pair in spec.PROXY_LIST_QUERY.split("&"))
        operation["description"] = (
            f"{described} The next step after an order: the subaccount's proxies, one "
            "`ip:port` a line. " + ASSUMED.replace("this", "the sandbox's answer format"))
        operation["parameters"] = [
            {"name": "subAccountId", "in": "path", "required": True,
             "schema": {"type": "string", "format": "uuid"}},
            {"name": "AccountType", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$",
                        "examples": [p.account_type for p in catalogue.PRODUCTS.values()]}},
            *({"name": key, "in": "query", "required": False,
               "schema": {"type": "string", "default": value}} for key, value in query.items()),
        ]
        ok = {"description": "The proxy list",
              "content": {"text/plain": {"schema": {"type": "string"},
                                         "example": "192.0.2.10:8080\n192.0.2.11:8080\n"}}}
        operation["responses"] = _responses(name, ok)
    return operation


def document(*, sandbox_url: str | None) -> dict:
    """The whole document. ``sandbox_url``: this server's sandbox base, or None when the
    sandbox is turned off."""
    servers = [{"url": LIVE_BASE, "description": "The live API (real money)"}]
    if sandbox_url:
        servers.append({"url": sandbox_url, "description": "This playground's sandbox"})
    paths: dict = {}
    for name in ENDPOINT_NAMES:
        paths.setdefault(_path_of(name), {})[_method(name).lower()] = _operation(name)
    schemas = {product_schema_name(t): product_schema(p) for t, p in catalogue.PRODUCTS.items()}
    schemas["Country"] = {
        "type": "string", "enum": [name for name, _label in catalogue.country_choices()],
        "description": "The billing country by its full English name (Belgium, not BE); VAT "
                       "follows from it.", "examples": ["Belgium"]}
    schemas["Text"] = {
        "type": "string", "pattern": CARRIABLE_TEXT,
        "description": "Text a body may carry: no NUL character and no lone surrogate "
                       "(either gets the not-a-JSON-object 400; assumed rule, shared with the "
                       "builder)."}
    schemas["JsonValue"] = {
        "description": f"Any JSON value nested at most {strictjson.MAX_DEPTH} levels deep "
                       "(deeper gets the not-a-JSON-object 400). The API ignores fields it "
                       "does not know.",
        "anyOf": [_ref("Text"), {"type": ["number", "boolean", "null"]},
                  {"type": "array", "items": _ref("JsonValue")},
                  {"type": "object", "propertyNames": _ref("Text"),
                   "additionalProperties": _ref("JsonValue")}]}
    schemas.update({"OrderRequest": order_request_schema(), "Order": order_schema(),
                    "Subaccount": subaccount_schema(), "Balance": balance_schema(),
                    "Me": me_schema(), "SubaccountList": subaccount_list_schema(),
                    "Error": ERROR_SCHEMA})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "ProxyScrape Account API: API ordering", "version": __version__,
                 "description": "Place wallet-paid orders, follow them until their subaccount "
                                "appears, read the wallet. Generated by the API playground "
                                "from its product catalogue; operations tagged `assumed` are "
                                "not on the vendor's page."},
        "servers": servers,
        "security": SECURITY,
        "tags": [{"name": "documented", "description": "On the vendor's page."},
                 {"name": "assumed", "description": "Not on the vendor's page: the "
                                                     "sandbox's assumption."}],
        "paths": paths,
        "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": schemas},
    }
