#!/usr/bin/env python3
"""Django's own session load loop, the reference for bench/companion.bench.ts.

Runs `SessionStore(session_key=KEY).load()` of the configured engine in a tight loop for SECONDS,
with the fixture site's settings (tests/fixtures/django, configured by the SL_* environment), and
prints one JSON line: loads per second (wall clock) and CPU microseconds per load (process time).

    SL_...=... /usr/bin/python3 bench/companion_django_load.py KEY SECONDS
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures", "django"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixture_site.settings")

import django  # noqa: E402

django.setup()

from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
key, seconds = sys.argv[1], float(sys.argv[2])
assert SessionStore(session_key=key).load(), "the session does not load"
cpu0, t0, n = time.process_time(), time.perf_counter(), 0
while time.perf_counter() - t0 < seconds:
    SessionStore(session_key=key).load()
    n += 1
wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
print(json.dumps({"ops_per_sec": n / wall, "cpu_us_per_op": cpu * 1e6 / n, "ops": n}))
