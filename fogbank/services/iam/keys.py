"""Access keys that fogbank issued, as the authenticate stage looks them up.

fogbank issues long-term keys beginning AKIA (IAM) and temporary ones beginning ASIA (STS); any
other key is one of the default keys and never needs a database read.
"""

from __future__ import annotations

from datetime import datetime

from fogbank.auth.credentials import Credential, Principal
from fogbank.state import Database

__all__ = ["lookup_access_key", "ISSUED_PREFIXES"]

ISSUED_PREFIXES = ("AKIA", "ASIA")


def lookup_access_key(db: Database, access_key: str, now: datetime) -> Credential | None:
    if not access_key.startswith(ISSUED_PREFIXES):
        return None
    with db.transaction(write=False) as tx:
        doc = tx.get_doc("iam", "access-key", "", "", access_key)
    if doc is None or doc.get("Status") != "Active":
        return None
    principal = Principal(
        account=doc["Account"],
        arn=doc["Arn"],
        user_id=doc["UserId"],
        kind=doc.get("PrincipalKind", "user"),
        access_key=access_key,
    )
    return Credential(principal=principal, secret_key=doc["SecretAccessKey"], session_token=None)
