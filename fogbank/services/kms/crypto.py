"""KMS's encryption operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(+WithoutPlaintext) and
GenerateRandom.

Symmetric keys seal with AES-256-GCM under the key's newest material into the blob of ciphertext.py;
RSA keys encrypt with OAEP under their public key and need KeyId and algorithm to decrypt. A key must be
enabled and of usage ENCRYPT_DECRYPT (resolve.py's checks, with AWS's errors). `encrypt_with` and
`decrypt_blob` are also what other fogbank services call to use a key.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.kms import ciphertext, material, primitives, service
from fogbank.services.kms.resolve import check_usable, check_usage, key_of, now, resolve_key, tx_of
from fogbank.state import Transaction

__all__ = ["decrypt_blob", "dry_run", "encrypt_with"]

SYMMETRIC = "SYMMETRIC_DEFAULT"
_DATA_KEY_SIZES = {"AES_128": 16, "AES_256": 32}


def dry_run(request: dict[str, Any]) -> None:
    """Everything checked: a DryRun request stops here, with AWS's answer."""
    if request.get("DryRun"):
        raise ServiceError(
            "DryRunOperationException", "The request would have succeeded, but the DryRun option is set.", 412
        )


def _check_algorithm(doc: dict[str, Any], algorithm: str) -> None:
    supported = doc.get("EncryptionAlgorithms", [])
    if algorithm not in supported:
        raise ServiceError(
            "InvalidKeyUsageException",
            f"{doc['Arn']} does not support encryption algorithm {algorithm}; it supports "
            f"{', '.join(supported)}.",
            400,
        )


def _private(tx: Transaction, doc: dict[str, Any]) -> bytes:
    return material.secret(tx, doc, material.current(doc))


def _public(doc: dict[str, Any]) -> bytes:
    return base64.b64decode(material.current(doc)["PublicKey"])


def encrypt_with(
    tx: Transaction,
    doc: dict[str, Any],
    plaintext: bytes,
    context: dict[str, str] | None,
    algorithm: str = SYMMETRIC,
    operation: str = "Encrypt",
) -> bytes:
    check_usable(doc)
    check_usage(doc, "ENCRYPT_DECRYPT", operation)
    _check_algorithm(doc, algorithm)
    if algorithm != SYMMETRIC:
        return primitives.oaep_encrypt(_public(doc), algorithm, plaintext)
    entry = material.current(doc)
    return ciphertext.seal(doc["Arn"], entry["Version"], material.secret(tx, doc, entry), plaintext, context)


def decrypt_blob(
    ctx: Context, blob: bytes, context: dict[str, str] | None, key_id: str | None, algorithm: str = SYMMETRIC
) -> tuple[dict[str, Any], bytes]:
    """(the key, the plaintext) of `blob`; `key_id`, when given, must name the key that made it."""
    tx = tx_of(ctx)
    if algorithm != SYMMETRIC:
        if key_id is None:
            raise ServiceError("ValidationException", "KeyId is required for asymmetric decryption.", 400)
        doc = key_of(ctx, key_id)
        check_usable(doc)
        check_usage(doc, "ENCRYPT_DECRYPT", "Decrypt")
        _check_algorithm(doc, algorithm)
        return doc, primitives.oaep_decrypt(_private(tx, doc), algorithm, blob)
    sealed = ciphertext.parse(blob)
    try:
        doc = resolve_key(tx, ctx.account, ctx.region, sealed.arn, now(ctx))
    except ServiceError as error:
        # A blob that names no key that exists is not a ciphertext of this service.
        if error.code == "NotFoundException":
            raise ciphertext.invalid_ciphertext() from None
        raise
    if key_id is not None and key_of(ctx, key_id)["KeyId"] != doc["KeyId"]:
        raise ServiceError(
            "IncorrectKeyException",
            "The key ID in the request does not identify a CMK that can perform this operation.",
            400,
        )
    check_usable(doc)
    check_usage(doc, "ENCRYPT_DECRYPT", "Decrypt")
    entry = material.version(doc, sealed.version)
    if entry is None:
        raise ciphertext.invalid_ciphertext()
    return doc, ciphertext.open_sealed(sealed, material.secret(tx, doc, entry), context)


@service.handler("Encrypt")
def encrypt(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    algorithm = request.get("EncryptionAlgorithm", SYMMETRIC)
    blob = encrypt_with(tx_of(ctx), doc, request["Plaintext"], request.get("EncryptionContext"), algorithm)
    dry_run(request)
    return {"CiphertextBlob": blob, "KeyId": doc["Arn"], "EncryptionAlgorithm": algorithm}


@service.handler("Decrypt")
def decrypt(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    algorithm = request.get("EncryptionAlgorithm", SYMMETRIC)
    doc, plaintext = decrypt_blob(
        ctx, request["CiphertextBlob"], request.get("EncryptionContext"), request.get("KeyId"), algorithm
    )
    dry_run(request)
    return {"KeyId": doc["Arn"], "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}


@service.handler("ReEncrypt")
def re_encrypt(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    source_algorithm = request.get("SourceEncryptionAlgorithm", SYMMETRIC)
    destination_algorithm = request.get("DestinationEncryptionAlgorithm", SYMMETRIC)
    source, plaintext = decrypt_blob(
        ctx,
        request["CiphertextBlob"],
        request.get("SourceEncryptionContext"),
        request.get("SourceKeyId"),
        source_algorithm,
    )
    destination = key_of(ctx, request["DestinationKeyId"])
    blob = encrypt_with(
        tx_of(ctx),
        destination,
        plaintext,
        request.get("DestinationEncryptionContext"),
        destination_algorithm,
        "ReEncrypt",
    )
    dry_run(request)
    return {
        "CiphertextBlob": blob,
        "SourceKeyId": source["Arn"],
        "KeyId": destination["Arn"],
        "SourceEncryptionAlgorithm": source_algorithm,
        "DestinationEncryptionAlgorithm": destination_algorithm,
    }


def _data_key(ctx: Context, request: dict[str, Any], operation: str) -> dict[str, Any]:
    size, spec = request.get("NumberOfBytes"), request.get("KeySpec")
    if (size is None) == (spec is None):
        raise ServiceError("ValidationException", "Please specify either number of bytes or key spec.", 400)
    doc = key_of(ctx, request["KeyId"])
    if doc["KeySpec"] != SYMMETRIC:
        check_usable(doc)
        raise ServiceError(
            "InvalidKeyUsageException",
            f"{doc['Arn']} is not a symmetric encryption key: {operation} needs one.",
            400,
        )
    plaintext = os.urandom(size if size is not None else _DATA_KEY_SIZES[spec])
    blob = encrypt_with(tx_of(ctx), doc, plaintext, request.get("EncryptionContext"), SYMMETRIC, operation)
    dry_run(request)
    return {"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": doc["Arn"]}


@service.handler("GenerateDataKey")
def generate_data_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _data_key(ctx, request, "GenerateDataKey")


@service.handler("GenerateDataKeyWithoutPlaintext")
def generate_data_key_without_plaintext(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    out = _data_key(ctx, request, "GenerateDataKeyWithoutPlaintext")
    del out["Plaintext"]
    return out


@service.handler("GenerateRandom")
def generate_random(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("CustomKeyStoreId"):
        raise ServiceError(
            "CustomKeyStoreNotFoundException", "Custom key stores are not supported by fogbank.", 400
        )
    size = request.get("NumberOfBytes")
    if size is None:
        raise ServiceError("ValidationException", "NumberOfBytes is required.", 400)
    return {"Plaintext": os.urandom(size)}
