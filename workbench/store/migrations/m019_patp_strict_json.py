"""Schema 19: every PATP's body is strict JSON.

Workbench before this version wrote a near-repeat table cell without a Knox ratio (no
pairs expected there) as ``NaN``, which is not JSON: PostgreSQL's ``json`` refuses it,
so the team store's ``patp_areas`` view (the PATP layer a GIS opens) failed as a whole
once one such PATP was stored, and ``patp show --json`` printed invalid JSON. Such
values become null, as Workbench now writes them. Nothing else in a body changes.
"""

import json
import math
from typing import Any


def apply(conn) -> None:
    rows = conn.execute("SELECT id, body FROM patps WHERE body LIKE '%NaN%' OR body LIKE '%Infinity%'").fetchall()
    for patp_id, body in rows:
        conn.execute("UPDATE patps SET body = ? WHERE id = ?",
                     (json.dumps(_finite(json.loads(body)), ensure_ascii=False, default=str), patp_id))


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinity, at any depth, replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
