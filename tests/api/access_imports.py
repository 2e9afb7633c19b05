"""Access expectations of the workbook imports, templates and exports of records (see
access_parts.py).

Imports and exports of records may touch any unit, so they are for an admin of a root unit
(AccessPolicy::CanImport): no caller scoped at C1. Templates are blank: every signed-in user.
"""

import io

import openpyxl

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})
NOBODY = {role: frozenset() for role in ROLES}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TABLE = {
    ("POST", "/api/v1/imports"): ("any", NOBODY),
    ("GET", "/api/v1/imports/{kind}/template.xlsx"): ("any", {role: ALL for role in ROLES}),
    ("GET", "/api/v1/imports/{kind}/template.csv"): ("any", {role: ALL for role in ROLES}),
    ("GET", "/api/v1/exports/records.xlsx"): ("any", NOBODY),
    ("GET", "/api/v1/exports/records.csv"): ("any", NOBODY),
}

JSON_BODY_ROUTES = set()


def directives_workbook():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Văn bản chỉ đạo"
    sheet.append(["Số hiệu", "Loại văn bản", "Trích yếu"])
    sheet.append(["CV-XLSX-1", "dispatch", "Công văn"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    if path == "/api/v1/imports":
        return c.raw("POST", "/api/v1/imports?dry_run=true", directives_workbook(),
                     {"Content-Type": XLSX})
    if path.startswith("/api/v1/imports/{kind}"):
        return c.get(path.replace("{kind}", "tasks"))
    if path.endswith(".xlsx"):
        return c.get(f"{path}?kinds=tasks")
    return c.get(f"{path}?kind=tasks")


def specs(f):
    """No JSON bodies: nothing for the malformed-body catalog."""
    return {}
