#!/usr/bin/env python3
"""Writes one db-engine session in the pre-3.1 (legacy) session_data format, through Django itself.

Django 3.1-3.2 write `base64(HEXHASH:SERIALIZED)` when DEFAULT_HASHING_ALGORITHM = 'sha1' (the
transition setting): SessionBase.encode -> _legacy_encode. Uses the fixture site's settings (SL_*),
and prints {"key", "session_data", "data"} with data as Django's load() returns it (tagged JSON).

    SL_...=... /usr/bin/python3 tests/integration/companion/write_legacy_session.py '{"a": 1}'
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "fixtures", "django"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "fixtures", "python"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixture_site.settings")

import warnings  # noqa: E402

warnings.simplefilter("ignore")

import django  # noqa: E402

django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from tagged_json import tag  # noqa: E402

with override_settings(DEFAULT_HASHING_ALGORITHM="sha1"):
    s = SessionStore()
    s.update(json.loads(sys.argv[1]))
    s.save()
    row = Session.objects.get(session_key=s.session_key)
    loaded = SessionStore(session_key=s.session_key).load()
print(json.dumps({"key": s.session_key, "session_data": row.session_data, "data": tag(dict(loaded))}))
