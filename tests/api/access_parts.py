"""The parts of the access matrix kept beside their own tests: every module access_<part>.py of
this folder (other than access_table and access_parts) with

  TABLE: {(method, path template): (scope, allowed)} as in access_table.py, and
  build(w, method, path, role, rel): the request for one of its routes as `role` on a target
      tied to `rel` (w is test_access.World), or None for a route that is not its own;
and, for its routes that take a JSON body, JSON_BODY_ROUTES (a set of (method, path template))
and specs(f) (their malformed-body catalog entries, as test_malformed.specs); optionally
PUBLIC_ROUTES (routes that need no sign-in) and VALID_BODIES ({path template: a body that is
valid}, for the requests whose only fault is an unknown id in the path).
"""

import importlib
import pathlib

_HERE = pathlib.Path(__file__).resolve().parent

PARTS = [importlib.import_module(p.stem) for p in sorted(_HERE.glob("access_*.py"))
         if p.stem not in ("access_table", "access_parts")]
