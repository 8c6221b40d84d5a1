"""Imported key material (Origin EXTERNAL): GetParametersForImport, ImportKeyMaterial and
DeleteImportedKeyMaterial.

GetParametersForImport makes an RSA wrapping key pair and an import token, both valid 24 hours by
fogbank's clock; the private half is kept wrapped under the master key. The caller wraps its 256-bit
material with the public key: RSAES_OAEP_SHA_* directly, RSA_AES_KEY_WRAP_SHA_* as AWS specifies — an
ephemeral AES-256 key wrapped with RSA-OAEP, followed by the material wrapped with that key by AES key
wrap with padding (RFC 5649). A key accepts only the material it was first given, again and again;
with KEY_MATERIAL_EXPIRES the material is deleted at ValidTo (lifecycle.py), and the key waits in
PendingImport until the same material is imported again.
"""

from __future__ import annotations

import base64
import hmac
import os
from datetime import datetime, timedelta
from typing import Any

from fogbank import scheduler
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.kms import keyspecs, lifecycle, material, service
from fogbank.services.kms.primitives import oaep_decrypt
from fogbank.services.kms.resolve import check_not_pending_deletion, key_of, now, tx_of

__all__: list[str] = []

TOKEN_LIFETIME = timedelta(hours=24)
# Material version 0 never names key material: it is where the wrapping key's private half is sealed.
_WRAPPING_SLOT = 0


def _external(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    if doc["Origin"] != "EXTERNAL":
        raise ServiceError(
            "UnsupportedOperationException",
            f"{doc['Arn']} origin is {doc['Origin']} which is not valid for this operation.",
            400,
        )
    check_not_pending_deletion(doc)
    return doc


@service.handler("GetParametersForImport")
def get_parameters_for_import(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _external(ctx, request)
    algorithm, spec = request["WrappingAlgorithm"], request["WrappingKeySpec"]
    if not algorithm.startswith("RSA") or not spec.startswith("RSA_"):
        raise ServiceError(
            "UnsupportedOperationException",
            f"Wrapping with {algorithm} and {spec} is not supported by fogbank.",
            400,
        )
    private, public = keyspecs.generate(spec)
    assert public is not None
    token = os.urandom(64)
    valid_to = now(ctx) + TOKEN_LIFETIME
    tx = tx_of(ctx)
    doc["Import"] = {
        **doc.get("Import", {}),
        "WrappingAlgorithm": algorithm,
        "WrappingKeySpec": spec,
        "WrappingKeyWrapped": material.wrap(tx, doc["Arn"], _WRAPPING_SLOT, private),
        "ImportToken": base64.b64encode(token).decode(),
        "ValidUntil": lifecycle.stamp(valid_to),
    }
    lifecycle.save(tx, doc)
    return {"KeyId": doc["Arn"], "ImportToken": token, "PublicKey": public, "ParametersValidTo": valid_to}


def _unwrap(private_der: bytes, algorithm: str, spec: str, wrapped: bytes) -> bytes:
    from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap_with_padding

    oaep = algorithm.replace("RSA_AES_KEY_WRAP", "RSAES_OAEP")
    if algorithm.startswith("RSAES_OAEP"):
        return oaep_decrypt(private_der, oaep, wrapped)
    split = int(spec.removeprefix("RSA_")) // 8
    aes_key = oaep_decrypt(private_der, oaep, wrapped[:split])
    try:
        return aes_key_unwrap_with_padding(aes_key, wrapped[split:])
    except InvalidUnwrap:
        raise ServiceError(
            "InvalidCiphertextException", "The wrapped key material could not be unwrapped.", 400
        ) from None


def _valid_to(ctx: Context, request: dict[str, Any]) -> datetime | None:
    model = request.get("ExpirationModel")
    valid_to: datetime | None = request.get("ValidTo")
    if model == "KEY_MATERIAL_DOES_NOT_EXPIRE" and valid_to is not None:
        raise ServiceError(
            "ValidationException",
            "ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.",
            400,
        )
    if model == "KEY_MATERIAL_EXPIRES" and valid_to is None:
        raise ServiceError(
            "ValidationException", "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.", 400
        )
    if valid_to is not None and valid_to <= now(ctx):
        raise ServiceError("ValidationException", "ValidTo must be in the future.", 400)
    return valid_to


@service.handler("ImportKeyMaterial")
def import_key_material(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _external(ctx, request)
    tx = tx_of(ctx)
    params = doc.get("Import") or {}
    token = params.get("ImportToken")
    if token is None or not hmac.compare_digest(base64.b64decode(token), request["ImportToken"]):
        raise ServiceError("InvalidImportTokenException", "Import token is invalid for this key.", 400)
    if now(ctx) >= datetime.fromisoformat(params["ValidUntil"]):
        raise ServiceError("ExpiredImportTokenException", "The import token is expired.", 400)
    valid_to = _valid_to(ctx, request)
    private = material.unwrap(tx, doc["Arn"], _WRAPPING_SLOT, params["WrappingKeyWrapped"])
    raw = _unwrap(
        private, params["WrappingAlgorithm"], params["WrappingKeySpec"], request["EncryptedKeyMaterial"]
    )
    digest = material.fingerprint(tx, raw)
    if len(raw) != 32 or params.get("MaterialDigest", digest) != digest:
        raise ServiceError(
            "IncorrectKeyMaterialException",
            "The key material in the request is, expired, invalid, or is not the same key material that was "
            "previously imported into this KMS key.",
            400,
        )
    params["MaterialDigest"] = digest
    # The same material again is version 1 again, so ciphertexts from before a deletion decrypt.
    doc["Material"] = []
    material.add_version(tx, doc, raw, lifecycle.stamp(now(ctx)), "EXTERNAL")
    if doc["KeyState"] == "PendingImport":
        doc.update(KeyState="Enabled", Enabled=True)
    if valid_to is None:
        doc.pop("ValidTo", None)
        doc["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
        scheduler.cancel(tx, lifecycle.EXPIRE, doc["Arn"])
    else:
        doc.update(
            ValidTo=lifecycle.stamp(valid_to.replace(microsecond=0)), ExpirationModel="KEY_MATERIAL_EXPIRES"
        )
        lifecycle.schedule(tx, lifecycle.EXPIRE, doc, doc["ValidTo"])
    lifecycle.save(tx, doc)
    return {}


@service.handler("DeleteImportedKeyMaterial")
def delete_imported_key_material(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _external(ctx, request)
    lifecycle.drop_material(doc)
    tx = tx_of(ctx)
    lifecycle.save(tx, doc)
    scheduler.cancel(tx, lifecycle.EXPIRE, doc["Arn"])
    return {}
