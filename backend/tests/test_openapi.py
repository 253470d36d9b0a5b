"""The OpenAPI document the web app's TypeScript types are generated from.

The web app compiles against ``frontend/src/app/core/api/schema.ts``, generated from the
committed snapshot ``openapi.json`` beside it; ``make lint`` checks that the types match the
snapshot, and this test that the snapshot matches the API: a changed schema without
``make api-types`` fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parents[2] / "frontend/src/app/core/api/openapi.json"


def test_the_web_apps_snapshot_is_the_served_document(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert served.get_json() == committed, "the API changed: run make api-types and commit the result"


def test_every_schema_reference_resolves(client):
    """A $ref to a schema nobody registered breaks the generated types (and Swagger UI)."""
    spec = client.get("/api/v1/openapi.json").get_json()
    text = json.dumps(spec)
    prefix = '"$ref": "#/components/'
    refs = {part.split('"', 1)[0] for part in text.split(prefix)[1:]}
    missing = [ref for ref in refs if ref.split("/")[1] not in spec["components"].get(ref.split("/")[0], {})]
    assert missing == []
