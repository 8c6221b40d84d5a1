"""Rotation of symmetric keys' material: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
RotateKeyOnDemand and ListKeyRotations.

A rotation adds a material version (lifecycle.rotate); new ciphertexts use the newest, old ones name
their version and still decrypt. Automatic rotation is due RotationPeriodInDays after it is enabled, or
after the last automatic rotation, and happens by fogbank's clock (the "kms.rotate" job, and on read).
As in AWS, only customer managed symmetric encryption keys with AWS_KMS material rotate.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fogbank import scheduler
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.kms import lifecycle, service
from fogbank.services.kms.paging import page
from fogbank.services.kms.resolve import (
    check_customer_managed,
    check_not_pending_deletion,
    check_usable,
    key_of,
    now,
    tx_of,
)

__all__: list[str] = []

DEFAULT_PERIOD = 365
MAX_ON_DEMAND = 10


def _rotatable(doc: dict[str, Any]) -> None:
    if doc["KeySpec"] != "SYMMETRIC_DEFAULT":
        raise ServiceError(
            "UnsupportedOperationException",
            f"{doc['Arn']} key spec {doc['KeySpec']} does not support automatic key rotation.",
            400,
        )
    if doc["Origin"] != "AWS_KMS":
        raise ServiceError(
            "UnsupportedOperationException",
            f"{doc['Arn']} origin is {doc['Origin']} which is not valid for this operation.",
            400,
        )


def _managed_key(ctx: Context, request: dict[str, Any], action: str) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    check_customer_managed(ctx, doc, action)
    _rotatable(doc)
    check_usable(doc)
    return doc


@service.handler("EnableKeyRotation")
def enable_key_rotation(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _managed_key(ctx, request, "EnableKeyRotation")
    # The model bounds the period (90–2560 days); the protocol layer refused others already.
    period = request.get("RotationPeriodInDays", DEFAULT_PERIOD)
    rotation = doc["Rotation"]
    due = lifecycle.stamp(now(ctx) + timedelta(days=period))
    rotation.update(Enabled=True, RotationPeriodInDays=period, NextRotationDate=due)
    tx = tx_of(ctx)
    lifecycle.save(tx, doc)
    lifecycle.schedule(tx, lifecycle.ROTATE, doc, due)
    return {}


@service.handler("DisableKeyRotation")
def disable_key_rotation(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _managed_key(ctx, request, "DisableKeyRotation")
    doc["Rotation"]["Enabled"] = False
    doc["Rotation"].pop("NextRotationDate", None)
    tx = tx_of(ctx)
    lifecycle.save(tx, doc)
    scheduler.cancel(tx, lifecycle.ROTATE, doc["Arn"])
    return {}


@service.handler("GetKeyRotationStatus")
def get_key_rotation_status(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    _rotatable(doc)
    check_not_pending_deletion(doc)
    rotation = doc["Rotation"]
    out: dict[str, Any] = {"KeyRotationEnabled": rotation["Enabled"], "KeyId": doc["Arn"]}
    if rotation["Enabled"]:
        out["RotationPeriodInDays"] = rotation["RotationPeriodInDays"]
        out["NextRotationDate"] = datetime.fromisoformat(rotation["NextRotationDate"])
    return out


@service.handler("RotateKeyOnDemand")
def rotate_key_on_demand(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _managed_key(ctx, request, "RotateKeyOnDemand")
    done = sum(1 for r in doc["Rotation"]["Rotations"] if r["RotationType"] == "ON_DEMAND")
    if done >= MAX_ON_DEMAND:
        raise ServiceError(
            "LimitExceededException",
            f"{doc['Arn']} has reached the limit of {MAX_ON_DEMAND} on-demand rotations.",
            400,
        )
    lifecycle.rotate(tx_of(ctx), doc, now(ctx), "ON_DEMAND")
    lifecycle.save(tx_of(ctx), doc)
    return {"KeyId": doc["KeyId"]}


@service.handler("ListKeyRotations")
def list_key_rotations(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    _rotatable(doc)
    entries = [
        {
            "KeyId": doc["KeyId"],
            "RotationDate": datetime.fromisoformat(r["RotationDate"]),
            "RotationType": r["RotationType"],
        }
        for r in doc["Rotation"]["Rotations"]
    ]
    return page(entries, request, "Rotations")
