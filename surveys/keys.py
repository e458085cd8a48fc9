"""Key rotation (re-encrypt every protected value under the first key), and adopting a hash key.

Run it with an engine whose keyring is "new, old...": every value is read with whichever key it
was written under (or as plain text) and written back under the new key, in one transaction,
in batches so memory stays flat on a big database. Afterwards the old keys can be dropped.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from surveys.crypto import EncryptionError, keyring_of
from surveys.hashkey import ADOPTED, HashKeyProblem, chat_hash, hash_key_id, hash_key_of
from surveys.models import Answer, AuditEvent, Participant, SafeguardingAlert
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
            # Stored values are read and written as they are (no decrypting column type in the way):
            # MultiFernet.rotate moves each token onto the first key.
            stored = sa.type_coerce(column, sa.Text())
            update = sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(
                {name: sa.bindparam("new_value", type_=sa.Text())})
            done, last_id = 0, 0
            while True:
                rows = session.execute(sa.select(table.c.id, stored).where(column.is_not(None), table.c.id > last_id)
                                       .order_by(table.c.id).limit(batch)).all()
                if not rows:
                    break
                params = [{"row_id": row_id, "new_value": keyring.rotate(value)} for row_id, value in rows]
                session.execute(update, params)
                done, last_id = done + len(rows), rows[-1][0]
            counts[f"{table.name}.{name}"] = done
        audit(session, actor, "keys.rotate", detail=" ".join(f"{k}={v}" for k, v in counts.items())
              + f" key={keyring.primary_id}", at=now)
    return counts


# --- one key per database --------------------------------------------------------------------

def adopt(engine: Engine, *, now: datetime, force: bool = False, batch: int = BATCH) -> int:
    """Make sure the database's hashes are under this engine's key. Returns chat hashes re-made.

    On first use of a key every linked chat's hash is re-made from its stored chat id. A database
    already adopted by another key is refused unless ``force`` (the old key is lost: move to this one).
    """
    key = hash_key_of(engine)
    wanted = f"key={hash_key_id(key)}"
    with session_scope(engine) as session:
        recorded = session.execute(sa.select(AuditEvent.detail).where(AuditEvent.action == ADOPTED)
                                   .order_by(AuditEvent.id.desc()).limit(1)).scalar()
        if recorded == wanted:
            return 0
        if recorded is not None and not force:
            raise HashKeyProblem(
                f"this database's hashes were made with hash key {recorded[4:]}, not this one ({wanted[4:]}). "
                "Give every worker the same HEARD_HASH_KEY (or key file). If that key is lost for good, "
                "run: heard keys rehash")
        remade, last_id = 0, 0
        while True:
            people = session.execute(sa.select(Participant).where(Participant.chat_id.is_not(None),
                                                                  Participant.id > last_id)
                                     .order_by(Participant.id).limit(batch)).scalars().all()
            if not people:
                break
            for person in people:
                person.chat_hash = chat_hash(key, person.chat_id)
            session.flush()
            remade, last_id = remade + len(people), people[-1].id
        audit(session, "system", ADOPTED, detail=wanted, at=now)
    return remade
