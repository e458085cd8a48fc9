"""Key rotation: re-encrypt every protected value under the first key.

Run it with an engine whose keyring is "new, old...": every value is read with whichever key it
was written under (or as plain text) and written back under the new key, in one transaction,
in batches so memory stays flat on a big database. Afterwards the old keys can be dropped.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from surveys.crypto import EncryptionError, keyring_of
from surveys.models import Answer, Participant, SafeguardingAlert
from surveys.store import audit, session_scope

PROTECTED = ((Answer, "free_text"), (SafeguardingAlert, "text"), (Participant, "chat_id"),
             (Participant, "phone"), (Participant, "email"))  # issue 15: where SMS and email invitations go
BATCH = 500


def rotate(engine: Engine, *, now: datetime, actor: str = "cli", batch: int = BATCH) -> dict[str, int]:
    """Re-encrypt everything under the engine's first key. Returns how many values per column."""
    keyring = keyring_of(engine)
    if keyring is None:
        raise EncryptionError("no key to rotate to: set HEARD_ENCRYPTION_KEY or give --new-key")
    counts: dict[str, int] = {}
    with session_scope(engine) as session:
        for model, name in PROTECTED:
            table, column = model.__table__, getattr(model.__table__.c, name)
            # The chat hash has a key of its own (surveys/hashkey.py): it does not change here.
            update = sa.update(table).where(table.c.id == sa.bindparam("row_id")).values({name: sa.bindparam("new_value")})
            done, last_id = 0, 0
            while True:
                rows = session.execute(sa.select(table.c.id, column).where(column.is_not(None), table.c.id > last_id)
                                       .order_by(table.c.id).limit(batch)).all()
                if not rows:
                    break
                params = [{"row_id": row_id, "new_value": value} for row_id, value in rows]
                session.execute(update, params)
                done, last_id = done + len(rows), rows[-1][0]
            counts[f"{table.name}.{name}"] = done
        audit(session, actor, "keys.rotate", detail=" ".join(f"{k}={v}" for k, v in counts.items())
              + f" key={keyring.primary_id}", at=now)
    return counts

