#!/usr/bin/env python3
"""Merges OpenAPI fragments ({"paths", "components", "tags"}) into src/planwatch/http/openapi.json.

Usage: scripts/merge_openapi.py FRAGMENT.json...  — refuses a path or component the document
already has, so a fragment can never silently replace an existing route.
"""
import json
import pathlib
import sys

DOC = pathlib.Path(__file__).resolve().parent.parent / "src/planwatch/http/openapi.json"


def main(fragments):
    doc = json.loads(DOC.read_text(encoding="utf-8"))
    for name in fragments:
        frag = json.loads(pathlib.Path(name).read_text(encoding="utf-8"))
        unknown = set(frag) - {"paths", "components", "tags"}
        if unknown:
            sys.exit(f"{name}: unexpected top-level keys {sorted(unknown)}")
        for path, item in frag.get("paths", {}).items():
            if path in doc["paths"]:
                sys.exit(f"{name}: path {path} is already in openapi.json")
            doc["paths"][path] = item
        for section, entries in frag.get("components", {}).items():
            target = doc["components"].setdefault(section, {})
            for key, value in entries.items():
                if key in target and target[key] != value:
                    sys.exit(f"{name}: components.{section}.{key} differs from openapi.json's")
                target[key] = value
        known = {t["name"] for t in doc.get("tags", [])}
        for tag in frag.get("tags", []):
            if tag["name"] not in known:
                doc.setdefault("tags", []).append(tag)
    DOC.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
