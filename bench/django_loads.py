"""Reference for bench/codec.bench.ts: Django's own signing.loads over the same values.

Reads {"values": [{"value", "key", "salt"}], "seconds": S} on stdin, keeps the values that
signing.loads accepts, times the loop over them and prints {"ops_per_sec": N (wall clock),
"cpu_ops_per_sec": N (this process's CPU time), "calls": C, "accepted": [indices]}. Run with Debian's /usr/bin/python3 (python3-django).
"""
import json
import sys
import time

from django.conf import settings

settings.configure(SECRET_KEY="unused-placeholder-key-for-settings-only-0123456789abcdef")

from django.core import signing  # noqa: E402

job = json.load(sys.stdin)
accepted = []
for i, v in enumerate(job["values"]):
    try:
        signing.loads(v["value"], key=v["key"], salt=v["salt"])
        accepted.append(i)
    except Exception:  # not a signing.dumps value (plain Signer, messages …): not comparable
        pass
values = [job["values"][i] for i in accepted]
deadline = time.perf_counter() + job["seconds"]
calls = 0
start = time.perf_counter()
cpu_start = time.process_time()
while time.perf_counter() < deadline:
    for v in values:
        signing.loads(v["value"], key=v["key"], salt=v["salt"])
    calls += len(values)
elapsed = time.perf_counter() - start
cpu = time.process_time() - cpu_start
print(json.dumps({"ops_per_sec": calls / elapsed, "cpu_ops_per_sec": calls / cpu, "calls": calls, "accepted": accepted}))
