"""Schemathesis hooks for lotgate's bad-input sweep (.ci/schemathesis.sh).

Idempotency-Key: every POST accepts the header, and lotgate answers a key that was already
used for a *different* request with 422 (IETF httpapi draft, as documented). Schemathesis
draws header values from a small space ("0", "00", ...) and so reuses keys across
different bodies; the 422 it then gets is correct behaviour, but it would be reported as a
valid request refused. So each *well-formed* key the generator produces is replaced by a
fresh unique one before the request is sent: the header is still sent (on the same share
of requests), and the server still has to store and answer it. Malformed keys (empty,
longer than 255, not visible ASCII) are sent exactly as generated, so the negative checks
still see the server refuse them. Replays, 409 in flight and 422 on reuse are covered by
tests/api/idempotency.rs, where the requests are known.

The sweep's own token: the stateful phase follows links from list_tokens to revoke_token
and would revoke the admin token the sweep runs under, after which every request is a 401
and nothing else is tested. Revoking a token (one's own included) is correct behaviour,
so the server is left as it is; the sweep only never aims revoke_token at its own token
(LOTGATE_SWEEP_TOKEN_ID): such a request goes to a fresh, unknown id instead.

Rules JSON Schema cannot state: some rules relate a value to another value of the same
request, to the clock, or to what the server stored or handed out before (see RELATIONAL,
CURSOR and PHOTO below, each with its reason). A schema-valid request can break one and
is then rightly refused, with a problem naming the field. `filter_failure` drops exactly
those "schema-valid request rejected" (ST202) failures: a 422 (or, for photo bytes, 415;
for a generated If-Match, 412) whose *every* field error is one of the listed rules of
that operation. Any other
refusal, and every other check, still fails the sweep. The rules are lotgate's own; the
integration tests in tests/api/ cover most of them.

It also drops "created resource not found" (ST302) when the 404 names a field of the
body (an unknown characteristic in a generated measurement), not the resource just
created in the path: lotgate answers an unknown id in a body with 404 naming the field.
"""

import os
import re
import uuid

import schemathesis

# What lotgate accepts (src/http/idempotency.rs) and the document states: 1 to 255
# visible ASCII characters.
WELL_FORMED = re.compile(r"^[\x21-\x7e]{1,255}$")


# operationId -> (field regex, message fragment, why the schema cannot state it).
# An "inspection." prefix is optional: a correction carries a whole inspection.
RECORDED_UNITS = [
    ("inspected_at", "lies more than a day in the future", "depends on the clock"),
    ("inspected_at", "the earliest date lotgate records",
     "from 2000 on: JSON Schema has no bound for a date-time"),
    (r"units\[\d+\]", "a unit records at least one measurement or attribute result",
     "one of two arrays is non-empty"),
    (r"units\[\d+\]\.unit", "appears more than once", "unique within the array"),
    (r"units\[\d+\]\.unit", "is beyond the lot size", "depends on the stored lot"),
    (r"units", "units recorded but the lot has only", "depends on the stored lot"),
    (r"units\[\d+\]\.(measurements|attributes)\[\d+\]\.characteristic_id",
     "recorded twice for this unit", "unique within the array"),
    (r"units\[\d+\]\.(measurements|attributes)\[\d+\]\.characteristic_id",
     "characteristic", "must be one of the lot's part, of the matching kind"),
    (r"units\[\d+\]\.attributes\[\d+\]\.defects", "a unit that passed has no defects",
     "depends on `pass`"),
    (r"units\[\d+\]\.attributes\[\d+\]\.defects", "a unit that failed has at least one defect",
     "depends on `pass`"),
    (r"units\[\d+\]\.attributes\[\d+\]\.defect_codes", "a unit that passed has no defects to code",
     "depends on `pass`"),
    (r"units\[\d+\]\.attributes\[\d+\]\.defect_codes\[\d+\]", "is given twice",
     "unique within the array"),
    (r"units\[\d+\]\.attributes\[\d+\]\.defect_codes\[\d+\]", "defect catalogue",
     "must be a code (not retired) of the stored catalogue of the lot's part"),
    (r"units\[\d+\]\.attributes\[\d+\]\.defect_codes\[\d+\]", "is retired",
     "depends on the stored code"),
]
# The AQL is a number of ISO 2859-1's series of 26 values, listed in the description: an
# `enum` of numbers makes client generators drop the operation (issue 18), so the schema
# cannot list them and the server refuses any other number with 422 naming `aql`. Half
# of the generated AQLs are drawn from the series (schemathesis.toml, [parameters]).
AQL = ("aql", "is not in the ISO 2859-1 series", "one of 26 numbers; no numeric enum")
RELATIONAL = {
    "get_defect_pareto": [
        ("from", "must not be after to", "from <= to: two parameters"),
    ],
    "update_defect_code": [
        ("retired", "nothing to change", "at least one of three optional fields"),
    ],
    "update_ncr": [
        ("description", "nothing to change", "at least one of two optional fields"),
    ],
    "close_ncr": [
        ("verification_note", "a report is closed with a verification",
         "one of two optional fields"),
        ("verification_inspection_id", "the inspection is of another lot",
         "depends on the stored inspection"),
        ("verification_inspection_id", "recorded before the report was opened",
         "depends on the stored inspection and report"),
    ],
    "design_sampling_plan": [
        ("ltpd", "must be larger than the AQL", "ltpd > aql: two parameters"),
        ("ltpd", "meets both risks", "no plan of n <= 1,000,000 for these four values"),
    ],
    "compute_capability": [
        ("lsl", "must be below the upper limit", "lsl < usl: two fields"),
        ("nominal", "lies outside the specification limits", "lsl <= nominal <= usl"),
    ],
    "get_operating_characteristic": [
        ("sample_size", "is larger than the lot size", "n <= N: two parameters"),
        ("acceptance_number", "must be smaller than the sample size", "Ac < n: two parameters"),
        ("p", "at most 1000 fractions", "a count of list items inside one string"),
    ],
    "get_iso2859_plan": [
        ("scheme", "has no double plan", "a '*' cell of ISO 2859-1 Table III"),
        AQL,
    ],
    "get_characteristic_capability": [
        ("from", "must not be after `to`", "from <= to: two parameters"),
        ("characteristic_id", "an attribute characteristic has no capability",
         "depends on the stored characteristic's kind"),
    ],
    "list_audit_events": [
        ("from", "must not be after to", "from <= to: two parameters"),
    ],
    "create_lot": [
        ("produced_on", "the earliest date lotgate records",
         "from 2000 on: JSON Schema has no bound for a date"),
        ("produced_on", "lies more than a day in the future", "depends on the clock"),
    ],
    "create_webhook": [
        (r"events\[\d+\]", "is listed more than once", "unique within the array"),
    ],
    "update_webhook": [
        (r"events\[\d+\]", "is listed more than once", "unique within the array"),
    ],
    "create_token": [
        ("supplier_id", "an admin token cannot be bound to a supplier",
         "depends on `role`: two fields"),
    ],
    "list_lots": [
        ("produced_from", "must not be after produced_to", "from <= to: two parameters"),
    ],
    "update_lot": [
        ("produced_on", "the earliest date lotgate records",
         "from 2000 on: JSON Schema has no bound for a date"),
        ("produced_on", "lies more than a day in the future", "depends on the clock"),
        ("lot_number", "nothing to correct",
         "at least one of lot_number, lot_size, produced_on: three optional fields"),
    ],
    "create_golden_sample_revision": [
        ("revalidation_due", "must be today or later", "depends on the clock"),
    ],
    "record_reference_measurements": [
        (r"measurements\[\d+\]\.characteristic_id", "characteristic",
         "must be a variable characteristic of the sample's part"),
        (r"measurements\[\d+\]\.characteristic_id", "more than once", "unique within the array"),
    ],
    # A second sampling inspection of a characteristic the lot's original inspection
    # recorded is refused with 409 (correct it, or resubmit the lot): 409 is not among the
    # statuses ST202 concerns, so it needs no rule here; the 422s of a resubmission do.
    "record_inspection": RECORDED_UNITS + [
        ("resubmission_id", "the resubmission is of another lot",
         "depends on the stored resubmission"),
        ("mode", "the inspection of a resubmission is a sampling inspection",
         "mode=sampling when resubmission_id is given: two fields"),
    ],
    "correct_inspection": RECORDED_UNITS + [
        ("inspection.id", "a correction needs an id of its own", "differs from the path id"),
        ("resubmission_id", "a correction stays with the resubmission",
         "the inspection schema is shared with record_inspection, where it is allowed"),
    ],
    # The 409s of a disposition or a release (no decision, stale, already dispositioned,
    # units without disposition...) are not among the statuses ST202 concerns.
    "dispose_lot": [
        (r"justification|approver", "a use_as_is concession needs",
         "required when disposition=use_as_is: two fields"),
        (r"quantity|expires_on", "only a use_as_is concession is limited by",
         "allowed only when disposition=use_as_is: two fields"),
        ("quantity", "must be at most the lot size", "depends on the stored lot"),
        ("expires_on", "is in the past", "depends on the clock"),
        ("disposition", "so sort does not apply",
         "depends on the stored lot: an accepted lot's rejected units are not sorted"),
    ],
    "update_part": [
        ("id", "differs from the part in the URL", "the body id equals the path id"),
    ],
    "update_characteristic": [
        AQL,
        ("id", "differs from the characteristic in the URL", "the body id equals the path id"),
        ("kind", "characteristic stays", "a stored characteristic keeps its kind"),
        (r"nominal|lsl|usl", "an attribute characteristic has no nominal value",
         "limits only with kind=variable"),
        ("lsl", "must be below the upper limit", "lsl < usl: two fields"),
        ("nominal", "lies outside the specification limits", "lsl <= nominal <= usl"),
    ],
    "create_characteristic": [
        AQL,
        (r"nominal|lsl|usl", "an attribute characteristic has no nominal value",
         "limits only with kind=variable"),
        ("lsl", "must be below the upper limit", "lsl < usl: two fields"),
        ("nominal", "lies outside the specification limits", "lsl <= nominal <= usl"),
    ],
    "import_inspection_csv": RECORDED_UNITS + [
        (r"line \d+.*", "", "the CSV's header and rows: text/csv, no JSON Schema"),
        ("body", "the file has no rows after the header", "the CSV's rows: no JSON Schema"),
        ("resubmission_id", "the resubmission is of another lot",
         "depends on the stored resubmission"),
        ("mode", "the inspection of a resubmission is a sampling inspection",
         "mode=sampling when resubmission_id is given: two parameters"),
    ],
    "export_lot_measurements": [
        ("inspection_id", "the long format exports every inspection of the lot",
         "inspection_id only with format=units: two parameters"),
    ],
    "get_supplier_scorecard": [
        ("to", "must not be before from", "from <= to: two parameters"),
    ],
    "get_capability_trend_chart": [
        ("from", "must not be after `to`", "from <= to: two parameters"),
        ("characteristic_id", "an attribute characteristic has no capability",
         "depends on the stored characteristic's kind"),
    ],
    "get_supplier_scorecard_chart": [
        ("to", "must not be before from", "from <= to: two parameters"),
    ],
    "get_supplier_reconciliation": [
        ("to", "must not be before from", "from <= to: two parameters"),
    ],
}
# Every list: a cursor is only valid when this server handed it out.
CURSOR = ("cursor", "not a cursor returned by this list", "handed out by the server")
# Photo uploads: the document can say "binary, JPEG, PNG or WebP", not "a whole,
# undamaged picture whose part's Content-Type names what its bytes are". The generator
# sends any bytes (a zip, a GIF, a truncated file) under an image type; lotgate refuses
# them with 415 or 422 naming `photo`. tests/api/photos.rs tests those answers one by one.
PHOTO_UPLOADS = {"upload_golden_sample_photo", "upload_inspection_photo"}
# If-Match must be the ETag of the resource as last read; a generated one is not, and a
# PUT with it is rightly 412 Precondition Failed naming If-Match.
STALE_ETAG = ("If-Match", "the resource changed since it was read", "the ETag of a read")
PHOTO = ("photo", "", "the bytes must be the picture the part says they are")


def problem_fields(response):
    try:
        return [e.get("field", "") for e in response.json().get("errors") or []]
    except Exception:
        return []


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if failure.code == "ST302" and response.status_code == 404:
        # "Created resource not found": lotgate answers an unknown id *in the body* (a
        # characteristic of a generated measurement) with 404 naming that field; the
        # resource in the path, just created, exists. Such a 404 names a body field.
        path_names = set(case.path_parameters or {})
        fields = problem_fields(response)
        return not (fields and all(f not in path_names for f in fields))
    if failure.code != "ST202" or response.status_code not in (412, 415, 422):
        return True
    operation = case.operation.definition.raw.get("operationId")
    rules = [PHOTO] if operation in PHOTO_UPLOADS else []
    if response.status_code == 412:
        rules = [STALE_ETAG]
    if response.status_code == 422:
        rules += RELATIONAL.get(operation, []) + [CURSOR]
    try:
        errors = response.json().get("errors") or []
    except Exception:
        return True

    def allowed(error):
        field = error.get("field", "")
        if operation == "correct_inspection":
            field = field.removeprefix("inspection.")
        return any(
            (re.fullmatch(f, field) or re.fullmatch(f, error.get("field", "")))
            and part in error.get("message", "")
            for f, part, _ in rules
        )

    return not (errors and all(allowed(e) for e in errors))


@schemathesis.hook
def before_call(context, case, kwargs):
    spare_own_token(case)
    unique_idempotency_key(case)


def spare_own_token(case):
    own = os.environ.get("LOTGATE_SWEEP_TOKEN_ID")
    if not own or not case.operation.path.endswith("/revoke"):
        return
    params = case.path_parameters or {}
    if str(params.get("token_id", "")).lower() == own.lower():
        params["token_id"] = str(uuid.uuid4())


def unique_idempotency_key(case):
    headers = case.headers
    if not headers:
        return
    for name in list(headers):
        if name.lower() != "idempotency-key":
            continue
        value = headers[name]
        if isinstance(value, str) and WELL_FORMED.match(value):
            headers[name] = f"sweep-{uuid.uuid4().hex}"
