"""Reference for bench/codec.bench.ts: Django's own signing.loads over the same values.

Reads {"values": [{"value", "key", "salt"}], "seconds": S} on stdin and prints
{"ops_per_sec": N, "calls": C}. Run with Debian's /usr/bin/python3 (python3-django).
"""
import json
import sys
import time

from django.conf import settings

settings.configure(SECRET_KEY="unused-placeholder-key-for-settings-only-0123456789abcdef")

from django.core import signing  # noqa: E402

job = json.load(sys.stdin)
values = job["values"]
deadline = time.perf_counter() + job["seconds"]
calls = 0
start = time.perf_counter()
while time.perf_counter() < deadline:
    for v in values:
        signing.loads(v["value"], key=v["key"], salt=v["salt"])
    calls += len(values)
elapsed = time.perf_counter() - start
print(json.dumps({"ops_per_sec": calls / elapsed, "calls": calls}))
