"""Virtual MFA devices: create, enable, resync, deactivate, delete, list, tags; and verifying a code.

A device is a TOTP secret (RFC 6238: SHA-1, six digits, 30-second steps) that fogbank generates and
answers once, as a base32 seed and as a QR code PNG of its otpauth:// URI. Codes are checked against
fogbank's clock, so moving the clock moves the codes a device must show. Enabling (and resyncing)
takes two consecutive codes; once enabled a code is good for one use only: the device remembers the
last time step it accepted, and `verify_mfa_code` (STS's check) refuses that step and earlier ones.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, now, scan, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.owners import named_user, users_by_id
from fogbank.services.iam.tags import check_tags, tagging_operations
from fogbank.state import Transaction

__all__ = ["MAX_DEVICES_PER_USER", "verify_mfa_code"]

MAX_DEVICES_PER_USER = 8
STEP = 30
ISSUER = "Amazon Web Services"
# How many steps a code may be early or late when used (clock drift of the device).
DRIFT = 1


def _step(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP


def _code_at(seed: str, step: int) -> str:
    import pyotp  # imported on first use, not at server start

    return pyotp.TOTP(seed).at(step * STEP)


def _device(tx: Transaction, account: str, serial: str) -> dict[str, Any] | None:
    return tx.get_doc(store.SERVICE, store.MFA_DEVICE, account, store.REGION, serial)


def _require_device(tx: Transaction, account: str, serial: str) -> dict[str, Any]:
    device = _device(tx, account, serial)
    if device is None:
        raise ServiceError("NoSuchEntity", f"MFA Device with serial number {serial} does not exist.", 404)
    return device


def _save(tx: Transaction, account: str, device: dict[str, Any]) -> None:
    tx.put_doc(store.SERVICE, store.MFA_DEVICE, account, store.REGION, device["SerialNumber"], device)


def _invalid_code() -> ServiceError:
    return ServiceError("InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)


def _consecutive_step(device: dict[str, Any], code1: str, code2: str, moment: datetime) -> int | None:
    """The step of `code2` when code1 and code2 are the device's codes for two consecutive recent steps."""
    current = _step(moment)
    for first in range(current - 2 - DRIFT, current + DRIFT):
        if _code_at(device["Seed"], first) == code1 and _code_at(device["Seed"], first + 1) == code2:
            return first + 1
    return None


def verify_mfa_code(tx: Transaction, serial_number: str, code: str, now: datetime) -> bool:
    """Whether `code` is good now for the enabled device `serial_number`; a good code is used up."""
    parts = serial_number.split(":")
    if len(parts) != 6 or not parts[5].startswith("mfa/"):
        return False
    account = parts[4]
    device = _device(tx, account, serial_number)
    if device is None or "UserId" not in device:
        return False
    current = _step(now)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if step > device.get("LastStep", -1) and _code_at(device["Seed"], step) == code:
            device["LastStep"] = step
            tx.put_doc(store.SERVICE, store.MFA_DEVICE, account, store.REGION, serial_number, device)
            return True
    return False


@service.handler("CreateVirtualMFADevice")
def create_virtual_mfa_device(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    path = request.get("Path", "/")
    name = request["VirtualMFADeviceName"]
    serial = f"arn:aws:iam::{ctx.account}:mfa{path}{name}"
    if _device(tx, ctx.account, serial) is not None:
        raise ServiceError(
            "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.", 409
        )
    tags = request.get("Tags", [])
    check_tags(tags)
    import pyotp
    import segno

    seed = pyotp.random_base32()
    device = {
        "SerialNumber": serial,
        "Path": path,
        "Name": name,
        "Seed": seed,
        "CreateDate": now(ctx),
        "Tags": tags,
    }
    _save(tx, ctx.account, device)
    uri = pyotp.TOTP(seed).provisioning_uri(name=f"{name}@{ctx.account}", issuer_name=ISSUER)
    png = io.BytesIO()
    segno.make(uri, error="m").save(png, kind="png", scale=4)
    created: dict[str, Any] = {
        "SerialNumber": serial,
        "Base32StringSeed": seed.encode(),
        "QRCodePNG": png.getvalue(),
    }
    if tags:
        created["Tags"] = tags
    return {"VirtualMFADevice": created}


@service.handler("EnableMFADevice")
def enable_mfa_device(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    user = named_user(ctx, request)
    serial = request["SerialNumber"]
    device = _require_device(tx, ctx.account, serial)
    if "UserId" in device:
        raise ServiceError("EntityAlreadyExists", "MFA Device is already in use.", 409)
    owned = [d for d in scan(tx, store.MFA_DEVICE, ctx.account) if d.get("UserId") == user["UserId"]]
    if len(owned) >= MAX_DEVICES_PER_USER:
        raise ServiceError(
            "LimitExceeded", f"Cannot exceed quota for MFADevicesPerUser: {MAX_DEVICES_PER_USER}", 409
        )
    step = _consecutive_step(
        device, request["AuthenticationCode1"], request["AuthenticationCode2"], ctx.clock.now()
    )
    if step is None:
        raise _invalid_code()
    device.update(UserId=user["UserId"], EnableDate=now(ctx), LastStep=step)
    _save(tx, ctx.account, device)
    return {}


def _users_device(ctx: Context, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    user = named_user(ctx, request)
    serial = request["SerialNumber"]
    device = _device(tx_of(ctx), ctx.account, serial)
    if device is None or device.get("UserId") != user["UserId"]:
        raise ServiceError(
            "NoSuchEntity",
            f"MFA Device with serial number {serial} does not exist for user {user['UserName']}.",
            404,
        )
    return user, device


@service.handler("ResyncMFADevice")
def resync_mfa_device(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _, device = _users_device(ctx, request)
    step = _consecutive_step(
        device, request["AuthenticationCode1"], request["AuthenticationCode2"], ctx.clock.now()
    )
    if step is None:
        raise _invalid_code()
    device["LastStep"] = step
    _save(tx_of(ctx), ctx.account, device)
    return {}


@service.handler("DeactivateMFADevice")
def deactivate_mfa_device(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _, device = _users_device(ctx, request)
    for field in ("UserId", "EnableDate", "LastStep"):
        device.pop(field, None)
    _save(tx_of(ctx), ctx.account, device)
    return {}


@service.handler("DeleteVirtualMFADevice")
def delete_virtual_mfa_device(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    device = _require_device(tx, ctx.account, request["SerialNumber"])
    if "UserId" in device:
        raise ServiceError("DeleteConflict", "MFA Device is still in use.", 409)
    tx.delete_doc(store.SERVICE, store.MFA_DEVICE, ctx.account, store.REGION, device["SerialNumber"])
    return {}


@service.handler("ListMFADevices")
def list_mfa_devices(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user = named_user(ctx, request)
    devices = [
        d for d in scan(tx_of(ctx), store.MFA_DEVICE, ctx.account) if d.get("UserId") == user["UserId"]
    ]
    entries = (
        (
            d["SerialNumber"],
            {
                "UserName": user["UserName"],
                "SerialNumber": d["SerialNumber"],
                "EnableDate": as_time(d["EnableDate"]),
            },
        )
        for d in devices
    )
    return page(entries, request, "MFADevices")


@service.handler("ListVirtualMFADevices")
def list_virtual_mfa_devices(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    status = request.get("AssignmentStatus", "Any")
    users = users_by_id(ctx)
    entries = []
    for device in scan(tx_of(ctx), store.MFA_DEVICE, ctx.account):
        assigned = "UserId" in device
        if (status == "Assigned" and not assigned) or (status == "Unassigned" and assigned):
            continue
        entry: dict[str, Any] = {"SerialNumber": device["SerialNumber"]}
        if assigned and device["UserId"] in users:
            user = users[device["UserId"]]
            entry["User"] = {
                key: as_time(user[key]) if key == "CreateDate" else user[key]
                for key in ("Path", "UserName", "UserId", "Arn", "CreateDate")
            }
            entry["EnableDate"] = as_time(device["EnableDate"])
        if device.get("Tags"):
            entry["Tags"] = device["Tags"]
        entries.append((device["SerialNumber"], entry))
    return page(entries, request, "VirtualMFADevices")


@service.handler("GetMFADevice")
def get_mfa_device(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user, device = _users_device(ctx, request)
    return {
        "UserName": user["UserName"],
        "SerialNumber": device["SerialNumber"],
        "EnableDate": as_time(device["EnableDate"]),
    }


tagging_operations(
    "MFADevice",
    find=lambda ctx, request, _operation: _require_device(tx_of(ctx), ctx.account, request["SerialNumber"]),
    save=lambda ctx, doc: _save(tx_of(ctx), ctx.account, doc),
)
