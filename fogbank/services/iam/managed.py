"""AWS managed policies: the catalogue of policies AWS owns (arn:aws:iam::aws:policy/…), read-only.

The documents ship with fogbank in data/aws_managed_policies.json.gz (refreshed by
scripts/update_managed_policies.py): policy name -> CreateDate, DefaultVersionId, Document, Path,
UpdateDate. The file is read on first use, never at server start, and kept for the life of the process.

A managed policy is the same in every account; what varies per account (how many identities attach it)
is counted by the IAM service from its own documents. AWS does not publish these policies' ids, so each
PolicyId is derived from the name: the same on every run, and shaped as IAM's ids are (ANPA + 17).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files

__all__ = ["ARN_PREFIX", "ManagedPolicy", "list_managed_policies", "managed_policy"]

ARN_PREFIX = "arn:aws:iam::aws:policy"
_DATA = "data/aws_managed_policies.json.gz"


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    PolicyName: str
    PolicyId: str
    Arn: str
    Path: str
    DefaultVersionId: str
    Document: str  # the default version's JSON text
    CreateDate: str  # ISO 8601, UTC, seconds: the store's timestamp convention
    UpdateDate: str
    Description: str | None = None  # the data set does not carry descriptions


def managed_policy(name_or_arn: str) -> ManagedPolicy | None:
    """The AWS managed policy with this name, or with exactly this ARN (its path included)."""
    catalogue = _catalogue()
    if not name_or_arn.startswith(ARN_PREFIX + "/"):
        return catalogue.get(name_or_arn)
    found = catalogue.get(name_or_arn.rsplit("/", 1)[-1])
    return found if found is not None and found.Arn == name_or_arn else None


def list_managed_policies(path_prefix: str = "/") -> list[ManagedPolicy]:
    """Every AWS managed policy whose path starts with `path_prefix`, by name."""
    return [policy for policy in _catalogue().values() if policy.Path.startswith(path_prefix)]


@cache
def _catalogue() -> dict[str, ManagedPolicy]:
    raw = json.loads(gzip.decompress(files(__package__).joinpath(_DATA).read_bytes()))
    return {name: _policy(name, raw[name]) for name in sorted(raw)}


def _policy(name: str, entry: dict[str, object]) -> ManagedPolicy:
    path = str(entry["Path"])
    return ManagedPolicy(
        PolicyName=name,
        PolicyId=_policy_id(name),
        Arn=f"{ARN_PREFIX}{path}{name}",
        Path=path,
        DefaultVersionId=str(entry["DefaultVersionId"]),
        Document=json.dumps(entry["Document"], indent=4),
        CreateDate=_timestamp(str(entry["CreateDate"])),
        UpdateDate=_timestamp(str(entry["UpdateDate"])),
    )


def _policy_id(name: str) -> str:
    digest = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()
    return "ANPA" + digest[:17]


def _timestamp(text: str) -> str:
    return datetime.fromisoformat(text).replace(microsecond=0).isoformat()
