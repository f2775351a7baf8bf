"""OpenAPI: one spec per surface, written for client generators.

Everything that makes the specs pleasant to generate from lives here, in one
place, so that a new endpoint gets it without decorating its view:

- ``ContractAutoSchema`` names every operation as a person would
  (``listProposals``, ``submitProposal``, ``getBenchmarkDistributionChart``),
  from the viewset's basename and action (or the APIView's class name), with the
  explicit exceptions in ``OPERATION_IDS``; it gives each operation a summary and
  a description, and documents the 429 of rate-limited views.
- ``contract_postprocess`` (a spectacular postprocessing hook) adds ``servers``
  with the ``{authority}`` host variable, the tag definitions, the one error shape
  (``ApiError``) on every operation, names the query parameters' enums, declares
  CSV bodies as text, and adds ``page``/``page_size`` to every paginated answer.

tests/api/test_spec_quality.py holds every endpoint to these rules.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema

from api.typed_json import JSON_SCHEMAS

SURFACES = {
    "programme": "api.surfaces.programme",
    "authority": "api.surfaces.authority",
    "public": "api.surfaces.public",
}

ROUTING_AND_AUTH = (
    "\n\n## Hosts\n"
    "The API is routed by host name. `BASE_DOMAIN` (e.g. `localhost:8000` in development) "
    "serves the programme: the coordinating charity's API and the programme-wide public "
    "register. Each participating authority has its own host, `<slug>.BASE_DOMAIN` "
    "(e.g. `demo.localhost:8000`), serving that authority's API and its public endpoints. "
    "The `servers` entry below has an `authority` variable for the slug. Every host lists "
    "its links at `GET /api/v1/` and serves this spec at `/api/schema/<surface>.yaml`."
    "\n\n## Authentication\n"
    "`POST /api/v1/auth/login` with an email and password returns a token; send it as "
    "`Authorization: Token <token>`. Tokens expire (default 10 hours) and are revoked by "
    "`/auth/logout`. A token is valid on every host, but each host checks the user's role "
    "there: a member of one authority gets 403/404 on another's host. Browsers on another "
    "origin may call the API when their origin is allowed (CORS; see docs/api.md)."
    "\n\n## Conventions\n"
    "Lists are paginated (`?page=2&page_size=50`, at most 200) and answer "
    "`{count, next, previous, results}`. Every 4xx and 5xx answers the `ApiError` shape. "
    "Tables that offer CSV answer `?format=csv` or `Accept: text/csv` with a UTF-8 file "
    "that starts with a byte-order mark, with fixed columns."
)

SURFACE_DESCRIPTIONS = {
    "programme": (
        "Served on the programme host (BASE_DOMAIN). For the coordinating charity: "
        "coordinators manage the programme, observers read it." + ROUTING_AND_AUTH
    ),
    "authority": (
        "Served on each authority's host (<slug>.BASE_DOMAIN). Every endpoint needs a "
        "member of that authority with a role the action allows." + ROUTING_AND_AUTH
    ),
    "public": (
        "No account needed. Served on the programme host (programme-wide) and on each "
        "authority host (that authority only)." + ROUTING_AND_AUTH
    ),
}

_PROTOCOL = {
    "enum": ["http", "https"],
    "default": "http",
    "description": "https in production; http on the dev runner.",
}
_BASE_DOMAIN = {
    "default": "localhost:8000",
    "description": "The deployment's BASE_DOMAIN, with the port when it is not the default.",
}
_AUTHORITY = {
    "default": "demo",
    "description": "The authority's slug (GET /api/v1/authorities on the programme host).",
}
PROGRAMME_SERVER = {
    "url": "{protocol}://{baseDomain}",
    "description": "The programme host.",
    "variables": {"protocol": _PROTOCOL, "baseDomain": _BASE_DOMAIN},
}
AUTHORITY_SERVER = {
    "url": "{protocol}://{authority}.{baseDomain}",
    "description": "An authority's host: one per authority, named by its slug.",
    "variables": {"protocol": _PROTOCOL, "authority": _AUTHORITY, "baseDomain": _BASE_DOMAIN},
}
SERVERS = {
    "programme": [PROGRAMME_SERVER],
    "authority": [AUTHORITY_SERVER],
    "public": [
        {**PROGRAMME_SERVER, "description": "The programme host: every authority's entries."},
        {**AUTHORITY_SERVER, "description": "An authority's host: that authority's entries."},
    ],
}

TAG_DESCRIPTIONS = {
    "auth": "Sign in and out with a token; who the signed-in user is.",
    "authorities": "The participating authorities: onboarding and status (coordinators).",
    "authority": "The authority this host serves.",
    "benchmarks": "Figures compared across authorities, with disclosure control applied: "
    "tables (JSON or CSV) and SVG charts.",
    "methodology": "The programme's versioned tests, features and questions.",
    "members": "The people of an authority and their roles; the source of user ids for "
    "every field that takes a user.",
    "proposals": "Live data-sharing proposals, their lifecycle moves and their decision.",
    "assessments": "Runs of the methodology on a proposal: answers, verdicts, sign-off.",
    "consultations": "Public engagement on a proposal: scheduling, running, results.",
    "participants": "People invited to consultations (contact details kept for a limited time).",
    "decisions": "What the authority decided and how the public's views were used.",
    "history": "The authority's audit trail.",
    "register": "The transparency register of published decisions.",
    "engagement-methods": "The catalogue of ways to consult the public.",
    "public": "Members of the public answering a consultation without an account: "
    "invitations, open surveys and calendar feeds.",
    "outbox": "Emails waiting or given up on (masked recipients), and retrying them (admins).",
    "population": "The authority's population by census band, the baseline respondents are "
    "compared with.",
    "reviews": "Benefit reviews after an approval: due dates, reminders, what was found.",
    "webhooks": "HTTPS endpoints that receive signed event deliveries; their delivery log.",
    "enrolments": "Organisations joining the programme, from interest to active (coordinators).",
    "workshops": "Programme workshops where organisations join (coordinators).",
    "funding": "The programme's funding ledger and position (coordinators).",
    "findings": "When is data sharing acceptable: net acceptability and the public-vs-officer "
    "gap by what a proposal shares, across authorities, with disclosure control applied "
    "(JSON or CSV); published to the public only when a coordinator chooses to.",
    "login-failures": "Failed sign-ins, for the security audit trail (coordinators).",
}

TAG_DESCRIPTIONS_BY_SURFACE = {
    "public": {"authorities": "Participating authorities, as the public sees them."},
}

# Explicit operationIds where the derived one reads badly. Keys are
# "<router basename>.<action>" for viewsets and "<ViewClass>.<http method>" for views.
OPERATION_IDS = {
    "LoginView.post": "logIn",
    "LogoutView.post": "logOut",
    "LogoutAllView.post": "logOutEverywhere",
    "MethodologyAdoptView.post": "adoptMethodology",
    "BenchmarkTableView.get": "listBenchmarkAuthorities",
    "BenchmarkCompareView.get": "compareAuthorityBenchmarks",
    "BenchmarkTimeSeriesView.get": "getAuthorityBenchmarkTimeSeries",
    "BenchmarkTimeSeriesChartView.get": "getAuthorityBenchmarkTimeSeriesChart",
    "BenchmarkCatalogueView.get": "listBenchmarkFigures",
    "FindingsView.get": "getFindings",
    "FindingsDimensionsView.get": "listFindingsDimensions",
    "FindingsPublicationView.get": "getFindingsPublication",
    "FindingsPublicationView.put": "setFindingsPublication",
    "PublicFindingsView.get": "getPublicFindings",
    "InvitationView.get": "getInvitation",
    "InvitationView.delete": "eraseInvitationDetails",
    "InvitationResponseView.put": "respondToInvitation",
    "OpenSurveyView.get": "getOpenSurvey",
    "OpenSurveyView.post": "respondToOpenSurvey",
    "CalendarFeedView.get": "getCalendarFeed",
    "ConsultationCalendarFeedView.get": "getConsultationCalendarFeed",
    "proposal.start_consultation": "startProposalConsultation",
    "proposal.skip_consultation": "skipProposalConsultation",
    "proposal.finish_consultation": "finishProposalConsultation",
    "proposal.decision": "recordProposalDecision",
    "proposal.transitions": "listProposalTransitions",
    "proposal.export": "exportProposals",
    "assessment.answers": "saveAssessmentAnswers",
    "assessment.return_to_draft": "returnAssessment",
    "consultation.publish_results": "publishConsultationResults",
    "consultation.calendar_feed": "getConsultationsCalendarFeed",
    "consultation.import_participants": "importConsultationParticipants",
    "methodology-version.criterion": "updateMethodologyCriterion",
    "authority.set_status": "setAuthorityStatus",
    "webhook.deliveries": "listWebhookDeliveries",
    "webhook.replay": "replayWebhookDelivery",
    "webhook.rotate_secret": "rotateWebhookSecret",
    "programme-webhook.deliveries": "listProgrammeWebhookDeliveries",
    "programme-webhook.replay": "replayProgrammeWebhookDelivery",
    "programme-webhook.rotate_secret": "rotateProgrammeWebhookSecret",
    "enrolment.commit_in_principle": "commitEnrolmentInPrinciple",
    "enrolment.formally_collaborate": "recordEnrolmentAgreement",
    "PopulationImportView.post": "importPopulation",
    "AuthorityPasswordChangeView.post": "changePassword",
    "ProgrammePasswordChangeView.post": "changePassword",
    "PasswordResetRequestView.post": "requestPasswordReset",
    "PasswordResetConfirmView.post": "confirmPasswordReset",
}

# Router basename → (singular, plural) where "Pascal(basename)" and "+s" do not fit.
NOUNS = {
    "authority": ("Authority", "Authorities"),
    "history": ("HistoryEvent", "History"),
    "public-authority": ("PublicAuthority", "PublicAuthorities"),
    "public-register": ("RegisterEntry", "RegisterEntries"),
    "public-authority-register": ("RegisterEntry", "RegisterEntries"),
    "public-engagement-method": ("EngagementMethod", "EngagementMethods"),
    "methodology-question": ("Question", "Questions"),
}

STANDARD_ACTIONS = {
    "list": ("list", True),
    "retrieve": ("get", False),
    "create": ("create", False),
    "update": ("replace", False),
    "partial_update": ("update", False),
    "destroy": ("delete", False),
}
METHOD_VERBS = {"get": "get", "post": "create", "put": "replace", "patch": "update"}
METHOD_VERBS["delete"] = "delete"

ERROR_RESPONSES = {
    "400": "Invalid input: see `fields`.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "Signed in, but not allowed: see `code`.",
    "404": "Not found, or not on this host.",
}
ERROR_COMPONENT = "ApiError"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}


def pascal(words: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_\s.]+", words) if part)


def camel(words: str) -> str:
    name = pascal(words)
    return name[:1].lower() + name[1:]


def humanize(operation_id: str) -> str:
    """'listProposalTransitions' → 'List proposal transitions'."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", operation_id).lower()
    return words[:1].upper() + words[1:]


def nouns(basename: str) -> tuple[str, str]:
    if basename in NOUNS:
        return NOUNS[basename]
    singular = pascal(basename)
    plural = singular[:-1] + "ies" if singular.endswith("y") else singular + "s"
    return singular, plural


def operation_id_for(view: Any, method: str) -> str:
    method = method.lower()
    action = getattr(view, "action", None)
    basename = getattr(view, "basename", None)
    if action and basename:
        key = f"{basename}.{action}"
        if key in OPERATION_IDS:
            return OPERATION_IDS[key]
        singular, plural = nouns(basename)
        if action in STANDARD_ACTIONS:
            verb, many = STANDARD_ACTIONS[action]
            return verb + (plural if many else singular)
        if method == "get":
            return "get" + singular + pascal(action)
        return camel(action) + singular
    name = type(view).__name__
    key = f"{name}.{method}"
    if key in OPERATION_IDS:
        return OPERATION_IDS[key]
    return METHOD_VERBS[method] + name.removesuffix("View")


class ContractAutoSchema(AutoSchema):
    """Person-readable operationIds, a summary and description on every operation, 429s."""

    def get_operation_id(self) -> str:
        return operation_id_for(self.view, self.method)

    def get_summary(self) -> str | None:
        return humanize(self.get_operation_id())

    def get_description(self) -> str:  # type: ignore[override]
        described: str = super().get_description() or ""
        return described or humanize(self.get_operation_id()) + "."

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        # Only a few views are rate limited (sign-in, the public consultation links).
        if operation is not None and getattr(self.view, "throttle_classes", None):
            operation.setdefault("responses", {}).setdefault(
                "429",
                {
                    "description": "Too many requests: retry after `context.retry_after_seconds`.",
                    "content": {"application/json": {"schema": ERROR_REF}},
                },
            )
        return operation


RateLimitedAutoSchema = ContractAutoSchema  # the name settings used before


def _surface_of(generator: Any) -> str | None:
    urlconf = getattr(generator, "urlconf", None)
    name = urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", "")
    return next((surface for surface, module in SURFACES.items() if module == name), None)


def _operations(result: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in result.get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict)
    ]


def _add_error_responses(result: dict[str, Any]) -> None:
    for _path, method, operation in _operations(result):
        responses = operation.setdefault("responses", {})
        is_public = not operation.get("security") or operation["security"] == [{}]
        for code, text in ERROR_RESPONSES.items():
            if code == "400" and method == "delete":
                continue
            if code in {"401", "403"} and is_public:
                continue
            responses.setdefault(
                code,
                {"description": text, "content": {"application/json": {"schema": ERROR_REF}}},
            )
        for code, response in responses.items():
            content = response.get("content", {})
            if code[:1] in {"4", "5"}:
                # An error is always the JSON error shape, whatever the success type is.
                response["content"] = {"application/json": {"schema": ERROR_REF}}
                content = response["content"]
            json_body = content.get("application/json", {})
            if json_body.get("schema") == ERROR_REF and not response.get("description"):
                response["description"] = ERROR_RESPONSES.get(code, "Error: see `code`.")


BOM_PARAMETER = {
    "name": "bom",
    "in": "query",
    "required": False,
    "description": "CSV only: false leaves out the UTF-8 byte-order mark (default true).",
    "schema": {"type": "boolean", "default": True},
}


def _declare_text_bodies(result: dict[str, Any]) -> None:
    """CSV and calendar bodies are text, never the JSON object of the JSON variant."""
    for _path, _method, operation in _operations(result):
        for code, response in operation.get("responses", {}).items():
            if not code.startswith("2"):
                continue
            for media_type, body in response.get("content", {}).items():
                if media_type == "text/csv":
                    parameters = operation.setdefault("parameters", [])
                    if not any(p.get("name") == "bom" for p in parameters):
                        parameters.append(dict(BOM_PARAMETER))
                    body["schema"] = {
                        "type": "string",
                        "description": "UTF-8 CSV with a byte-order mark and a header row; "
                        "columns in a fixed order (docs/api.md#csv).",
                    }
                elif media_type in {"text/calendar", "image/svg+xml"}:
                    body["schema"] = {"type": "string"}


_ENUM_NAME = re.compile(r"[^A-Za-z0-9]")


def _name_parameter_enums(result: dict[str, Any]) -> None:
    """Give every enum of a query parameter a component name (reusing an equal one)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    by_values: dict[tuple[Any, ...], str] = {}
    for name, schema in schemas.items():
        if "enum" in schema:
            by_values.setdefault(tuple(schema["enum"]), name)
    for path, _method, operation in _operations(result):
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            holder = schema["items"] if schema.get("type") == "array" else schema
            if "enum" not in holder:
                continue
            values = tuple(holder["enum"])
            name = by_values.get(values)
            if name is None:
                base = pascal(_ENUM_NAME.sub("_", parameter["name"])) + "Enum"
                name = base
                if name in schemas:
                    resource = path.rstrip("/").split("/")[3] if path.count("/") >= 3 else ""
                    name = pascal(resource) + base
                schemas[name] = {"enum": list(values), "type": holder.get("type", "string")}
                by_values[values] = name
            ref = {"$ref": f"#/components/schemas/{name}"}
            extra = {k: v for k, v in holder.items() if k in {"default", "description"}}
            if holder is schema:
                parameter["schema"] = {**ref, **extra} if not extra else {"allOf": [ref], **extra}
            else:
                schema["items"] = ref


PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "A page number within the paginated result set.",
        "schema": {"type": "integer"},
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "description": "Number of results to return per page (at most 200).",
        "schema": {"type": "integer"},
    },
]


def _paginate_parameters(result: dict[str, Any]) -> None:
    """Every answer with a Paginated* body takes page and page_size, however it is built."""
    for _path, method, operation in _operations(result):
        if method != "get":
            continue
        body = operation.get("responses", {}).get("200", {}).get("content", {})
        ref = body.get("application/json", {}).get("schema", {}).get("$ref", "")
        if not ref.split("/")[-1].startswith("Paginated"):
            continue
        names = {p.get("name") for p in operation.setdefault("parameters", [])}
        for parameter in PAGE_PARAMETERS:
            if parameter["name"] not in names:
                operation["parameters"].append(dict(parameter))


def _name_inline_enums(result: dict[str, Any]) -> None:
    """Enums nested inside components (a dict's values, say) get a name too."""
    schemas = result.get("components", {}).get("schemas", {})
    by_values = {tuple(s["enum"]): n for n, s in schemas.items() if "enum" in s}

    def visit(node: Any, owner: str, key: str) -> None:
        if isinstance(node, dict):
            for child_key, child in list(node.items()):
                if isinstance(child, dict) and "enum" in child:
                    values = tuple(child["enum"])
                    name = by_values.get(values)
                    if name is None:
                        name = (
                            owner
                            + pascal(
                                key if child_key in {"items", "additionalProperties"} else child_key
                            )
                            + "Enum"
                        )
                        schemas[name] = {"type": child.get("type", "string"), "enum": list(values)}
                        by_values[values] = name
                    node[child_key] = {"$ref": f"#/components/schemas/{name}"}
                else:
                    visit(child, owner, child_key if child_key not in {"properties"} else key)
        elif isinstance(node, list):
            for child in node:
                visit(child, owner, key)

    for name in list(schemas):
        if "enum" not in schemas[name]:
            visit(schemas[name], name, "")


def _define_tags(result: dict[str, Any], surface: str | None) -> None:
    used: list[str] = []
    for _path, _method, operation in _operations(result):
        for tag in operation.get("tags", []):
            if tag not in used:
                used.append(tag)
    # A tag without a description is left undefined: the spec-quality test names it.
    descriptions = {**TAG_DESCRIPTIONS, **TAG_DESCRIPTIONS_BY_SURFACE.get(surface or "", {})}
    result["tags"] = [
        {"name": tag, "description": descriptions[tag]}
        for tag in sorted(used)
        if tag in descriptions
    ]


def _drop_unused_components(result: dict[str, Any]) -> None:
    schemas = result.get("components", {}).get("schemas", {})
    while True:
        text = repr({k: v for k, v in result.items() if k != "components"}) + repr(
            {k: v for k, v in result.get("components", {}).items()}
        )
        unused = [name for name in schemas if f"#/components/schemas/{name}'" not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]


def contract_postprocess(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """The spectacular postprocessing hook: see the module docstring."""
    surface = _surface_of(generator)
    if surface is not None:
        result["servers"] = SERVERS[surface]
        result.setdefault("info", {})["description"] = SURFACE_DESCRIPTIONS[surface]
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    # The hand-written shape wins over ErrorSerializer's so that `context` is typed.
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    schemas.update(JSON_SCHEMAS)
    _add_error_responses(result)
    _declare_text_bodies(result)
    _name_parameter_enums(result)
    _name_inline_enums(result)
    _paginate_parameters(result)
    _define_tags(result, surface)
    _drop_unused_components(result)
    return result


add_error_responses = contract_postprocess  # the hook's name in settings before


# Mirrors api.errors.ErrorSerializer for surfaces where no view names it explicitly.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error shape of every 4xx and 5xx response.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status code, repeated."},
        "code": {"type": "string", "description": "A stable machine-readable code."},
        "detail": {"type": "string", "description": "A sentence for people."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Field name → messages, for validation errors. Nested fields use dots.",
        },
        "context": {
            "type": "object",
            "description": "Extra facts about the error; which keys appear depends on `code`.",
            "properties": {
                "current": {"type": "string", "description": "409: the current state."},
                "requested": {"type": "string", "description": "409: the state asked for."},
                "allowed": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "409: the states this one may move to.",
                },
                "retry_after_seconds": {"type": "integer", "description": "429: wait this long."},
                "checks": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "503 from the readiness probe: service → state.",
                },
            },
        },
    },
    "required": ["status", "code", "detail"],
}


def generate_surface(surface: str) -> dict[str, Any]:
    generator = SchemaGenerator(
        urlconf=SURFACES[surface],
        title=f"Data sharing for public benefit: {surface} API",
        description=SURFACE_DESCRIPTIONS[surface],
        version="1.0.0",
    )
    return generator.get_schema(request=None, public=True)
