"""Which routes answer a caller without credentials, written by hand from SPEC.md §4 (the public
portal, the open-data catalog and CKAN's read-only action API, the public feedback form; health,
metrics, the API description and signing in) — not from the server's route table.

Every route of openapi.json is in exactly one of PUBLIC and SIGNED_IN (test_access_public fails on
a route missing from both). A public route answers 2xx without credentials and with an unknown or
ended session cookie (the caller is then simply anonymous); every other route answers 401 with
the unauthenticated problem and nothing else. A bearer token that is revoked is a credential the
caller presented and that failed: every route, public ones too, answers 401 (RFC 6750), but for
the web UI's files (UI_FILES).

The module's name makes it one of the access parts (access_parts.py): it adds no row to the
signed-in matrix (TABLE is empty, build answers None) and gives test_malformed its PUBLIC_ROUTES.
"""

# Public: the data meant for everyone, and the doors to sign in.
PUBLIC = frozenset({
    ("GET", "/"),  # the web UI shell: the public portal and the sign-in page, no records
    ("GET", "/healthz"),
    ("GET", "/metrics"),  # request counters by route template, no records
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/session"),  # signing in
    # The public feedback form: its proof-of-work challenge, a submission, what was published.
    ("GET", "/api/v1/feedback/challenge"),
    ("POST", "/api/v1/feedback"),
    ("GET", "/api/v1/feedback/published"),
    # Open data: the DCAT catalog and its downloads, and CKAN's read-only action API.
    ("GET", "/open/catalog.jsonld"),
    ("GET", "/open/datasets.json"),
    ("GET", "/open/datasets/{file}"),
    ("GET", "/open/datasets/{name}/{file}"),
    ("GET", "/api/3/action/package_list"),
    ("GET", "/api/3/action/package_show"),
    ("GET", "/api/3/action/package_search"),
    ("GET", "/api/3/action/organization_list"),
})

# Everything else needs a signed-in caller (a session cookie or a live API token).
SIGNED_IN = frozenset({
    ("GET", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("GET", "/api/v1/tokens"),
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{id}"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/users/{id}"),
    ("PATCH", "/api/v1/users/{id}"),
    ("GET", "/api/v1/org-units"),
    ("POST", "/api/v1/org-units"),
    ("GET", "/api/v1/org-units/{id}"),
    ("PATCH", "/api/v1/org-units/{id}"),
    ("DELETE", "/api/v1/org-units/{id}"),
    ("GET", "/api/v1/directives"),
    ("POST", "/api/v1/directives"),
    ("GET", "/api/v1/directives/{id}"),
    ("PATCH", "/api/v1/directives/{id}"),
    ("DELETE", "/api/v1/directives/{id}"),
    ("GET", "/api/v1/plans"),
    ("POST", "/api/v1/plans"),
    ("GET", "/api/v1/plans/{id}"),
    ("PATCH", "/api/v1/plans/{id}"),
    ("DELETE", "/api/v1/plans/{id}"),
    ("GET", "/api/v1/task-groups"),
    ("POST", "/api/v1/task-groups"),
    ("GET", "/api/v1/task-groups/{id}"),
    ("PATCH", "/api/v1/task-groups/{id}"),
    ("DELETE", "/api/v1/task-groups/{id}"),
    ("GET", "/api/v1/tasks"),
    ("POST", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/{id}"),
    ("PATCH", "/api/v1/tasks/{id}"),
    ("GET", "/api/v1/indicators"),
    ("POST", "/api/v1/indicators"),
    ("GET", "/api/v1/indicators/{id}"),
    ("PATCH", "/api/v1/indicators/{id}"),
    ("DELETE", "/api/v1/indicators/{id}"),
    ("GET", "/api/v1/tasks/{id}/events"),
    ("POST", "/api/v1/tasks/{id}/progress"),
    ("POST", "/api/v1/tasks/{id}/claim"),
    ("POST", "/api/v1/tasks/{id}/verify"),
    ("POST", "/api/v1/tasks/{id}/return"),
    ("POST", "/api/v1/tasks/{id}/amend"),
    ("POST", "/api/v1/tasks/{id}/cancel"),
    ("GET", "/api/v1/tasks/{id}/comments"),
    ("POST", "/api/v1/tasks/{id}/comments"),
    ("GET", "/api/v1/tasks/{id}/evidence"),
    ("POST", "/api/v1/tasks/{id}/evidence"),
    ("GET", "/api/v1/evidence/{id}"),
    ("GET", "/api/v1/indicators/{id}/targets"),
    ("POST", "/api/v1/indicators/{id}/targets"),
    ("GET", "/api/v1/data-values"),
    ("POST", "/api/v1/data-values"),
    ("GET", "/api/v1/data-values/{indicator}/{unit}/{period}"),
    ("PUT", "/api/v1/data-values/{indicator}/{unit}/{period}"),
    ("DELETE", "/api/v1/data-values/{indicator}/{unit}/{period}"),
    ("GET", "/api/v1/data-values/{indicator}/{unit}/{period}/history"),
    ("GET", "/api/v1/analytics/tasks"),
    ("GET", "/api/v1/analytics/indicators"),
    ("GET", "/api/v1/tasks/{id}/history"),
    ("GET", "/api/v1/org-units/{id}/history"),
    ("POST", "/api/v1/imports/{kind}"),
    ("GET", "/api/v1/reports"),
    ("POST", "/api/v1/reports"),
    ("GET", "/api/v1/reports/compliance"),
    ("GET", "/api/v1/reports/{id}"),
    ("PATCH", "/api/v1/reports/{id}"),
    ("POST", "/api/v1/reports/{id}/submit"),
    ("POST", "/api/v1/reports/{id}/approve"),
    ("POST", "/api/v1/reports/{id}/accept"),
    ("POST", "/api/v1/reports/{id}/return"),
    ("POST", "/api/v1/reports/{id}/revise"),
    ("GET", "/api/v1/reports/{id}/events"),
    ("GET", "/api/v1/reports/{id}/signed"),
    ("GET", "/api/v1/plans/{id}/report-schedule"),
    ("PUT", "/api/v1/plans/{id}/report-schedule"),
    ("GET", "/api/v1/plans/{id}/urging-rules"),
    ("PUT", "/api/v1/plans/{id}/urging-rules"),
    ("GET", "/api/v1/urgings"),
    ("GET", "/api/v1/urgings/{id}"),
    ("POST", "/api/v1/urgings/{id}/answer"),
    ("POST", "/api/v1/urging/run"),
    ("GET", "/api/v1/notifications"),
    ("GET", "/api/v1/notifications/unread-count"),
    ("POST", "/api/v1/notifications/{id}/read"),
    ("POST", "/api/v1/notifications/read-all"),
    ("GET", "/api/v1/webhooks"),
    ("POST", "/api/v1/webhooks"),
    ("DELETE", "/api/v1/webhooks/{id}"),
    ("GET", "/api/v1/deliveries"),
    ("GET", "/api/v1/feedback"),
    ("GET", "/api/v1/feedback/{id}"),
    ("POST", "/api/v1/feedback/{id}/accept"),
    ("POST", "/api/v1/feedback/{id}/reject"),
    ("POST", "/api/v1/feedback/{id}/answer"),
    ("GET", "/api/v1/exports/plan-summary.pdf"),
    ("GET", "/api/v1/exports/scorecards.xlsx"),
    ("GET", "/api/v1/exports/tasks.xlsx"),
    ("GET", "/api/v1/scorecards"),
    ("GET", "/api/v1/scorecards/history"),
    ("GET", "/api/v1/plans/{id}/scorecard-weights"),
    ("PUT", "/api/v1/plans/{id}/scorecard-weights"),
    ("GET", "/api/v1/reviews"),
    ("POST", "/api/v1/reviews"),
    ("GET", "/api/v1/reviews/{id}"),
    ("POST", "/api/v1/reviews/{id}/publish"),
    ("GET", "/api/v1/reviews/compare"),
    ("GET", "/api/v1/exports/dataValueSets.json"),
    ("GET", "/api/v1/exports/indicators.xlsx"),
    ("POST", "/api/v1/imports"),
    ("GET", "/api/v1/imports/{kind}/template.xlsx"),
    ("GET", "/api/v1/imports/{kind}/template.csv"),
    ("GET", "/api/v1/exports/records.xlsx"),
    ("GET", "/api/v1/exports/records.csv"),
    ("GET", "/api/v1/publications"),
    ("POST", "/api/v1/publications"),
    ("POST", "/api/v1/publications/{name}/withdraw"),
    # The audit log.
    ("GET", "/api/v1/audit"),
    ("GET", "/api/v1/audit/checkpoints"),
    ("POST", "/api/v1/audit/checkpoints"),
})

assert not PUBLIC & SIGNED_IN, sorted(PUBLIC & SIGNED_IN)

# In a build with the web UI, `/` is its index.html, served as a file before any route and without
# reading credentials: a revoked token gets the page there (the page holds no data either way).
UI_FILES = frozenset({("GET", "/")})

# The access-part interface (access_parts.py).
TABLE = {}
JSON_BODY_ROUTES = set()
PUBLIC_ROUTES = set(PUBLIC)


def build(w, method, path, role, rel):
    """No route of the signed-in matrix is this module's."""
    return None


def specs(f):
    """No JSON bodies of its own: nothing for the malformed-body catalog."""
    return {}
