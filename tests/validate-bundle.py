#!/usr/bin/python3
"""Validates evidence bundles against schemas/bundle.schema.json.
Usage: validate-bundle.py SCHEMA BUNDLE...  (exit 1 on the first invalid one)"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
status = 0
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.path))
    for e in errors[:5]:
        print(f"{path}: {'/'.join(map(str, e.path)) or 'top level'}: {e.message}", file=sys.stderr)
    if errors:
        status = 1
sys.exit(status)
