"""Asymmetric and HMAC keys' operations: GetPublicKey, Sign, Verify, GenerateDataKeyPair(+WithoutPlaintext),
GenerateMac and VerifyMac. (Encrypt and Decrypt with RSA keys are crypto.py's, beside the symmetric ones.)

The public key is DER SubjectPublicKeyInfo, so anyone can verify fogbank's signatures or encrypt to its
keys without fogbank. A data key pair's private key is encrypted under a symmetric key, as a ciphertext
blob Decrypt opens.
"""

from __future__ import annotations

import base64
import hmac
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.kms import keyspecs, material, primitives, service
from fogbank.services.kms.crypto import dry_run, encrypt_with
from fogbank.services.kms.resolve import check_usable, check_usage, key_of, tx_of

__all__: list[str] = []


def _algorithm(doc: dict[str, Any], member: str, algorithm: str) -> None:
    supported = doc.get(member, [])
    if algorithm not in supported:
        raise ServiceError(
            "InvalidKeyUsageException",
            f"Algorithm {algorithm} is incompatible with key spec {doc['KeySpec']}; {doc['Arn']} supports "
            f"{', '.join(supported) or 'none'}.",
            400,
        )


def _public_key(doc: dict[str, Any]) -> bytes:
    return base64.b64decode(material.current(doc)["PublicKey"])


@service.handler("GetPublicKey")
def get_public_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    if not keyspecs.is_asymmetric(doc["KeySpec"]):
        raise ServiceError(
            "UnsupportedOperationException", f"{doc['Arn']} key spec {doc['KeySpec']} has no public key.", 400
        )
    check_usable(doc)
    out = {
        "KeyId": doc["Arn"],
        "PublicKey": _public_key(doc),
        "CustomerMasterKeySpec": doc["KeySpec"],
        "KeySpec": doc["KeySpec"],
        "KeyUsage": doc["KeyUsage"],
    }
    for member in ("EncryptionAlgorithms", "SigningAlgorithms"):
        if member in doc:
            out[member] = doc[member]
    return out


def _signing_key(ctx: Context, request: dict[str, Any], operation: str) -> tuple[dict[str, Any], bool]:
    doc = key_of(ctx, request["KeyId"])
    check_usable(doc)
    check_usage(doc, "SIGN_VERIFY", operation)
    _algorithm(doc, "SigningAlgorithms", request["SigningAlgorithm"])
    return doc, request.get("MessageType", "RAW") == "DIGEST"


@service.handler("Sign")
def sign(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc, digest = _signing_key(ctx, request, "Sign")
    secret = material.secret(tx_of(ctx), doc, material.current(doc))
    signature = primitives.sign(secret, request["SigningAlgorithm"], request["Message"], digest)
    dry_run(request)
    return {"KeyId": doc["Arn"], "Signature": signature, "SigningAlgorithm": request["SigningAlgorithm"]}


@service.handler("Verify")
def verify(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc, digest = _signing_key(ctx, request, "Verify")
    algorithm = request["SigningAlgorithm"]
    valid = primitives.verify(_public_key(doc), algorithm, request["Message"], request["Signature"], digest)
    dry_run(request)
    if not valid:
        raise ServiceError("KMSInvalidSignatureException", "", 400)
    return {"KeyId": doc["Arn"], "SignatureValid": True, "SigningAlgorithm": algorithm}


def _data_key_pair(ctx: Context, request: dict[str, Any], operation: str) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    if doc["KeySpec"] != "SYMMETRIC_DEFAULT":
        check_usable(doc)
        raise ServiceError(
            "InvalidKeyUsageException",
            f"{doc['Arn']} is not a symmetric encryption key: {operation} needs one.",
            400,
        )
    spec = request["KeyPairSpec"]
    if not keyspecs.is_asymmetric(spec) or spec not in keyspecs.ALGORITHMS:
        raise ServiceError(
            "UnsupportedOperationException", f"KeyPairSpec {spec} is not supported by fogbank.", 400
        )
    check_usable(doc)
    private, public = keyspecs.generate(spec)
    blob = encrypt_with(tx_of(ctx), doc, private, request.get("EncryptionContext"), operation=operation)
    dry_run(request)
    return {
        "PrivateKeyCiphertextBlob": blob,
        "PrivateKeyPlaintext": private,
        "PublicKey": public,
        "KeyId": doc["Arn"],
        "KeyPairSpec": spec,
    }


@service.handler("GenerateDataKeyPair", waits=True)
def generate_data_key_pair(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _data_key_pair(ctx, request, "GenerateDataKeyPair")


@service.handler("GenerateDataKeyPairWithoutPlaintext", waits=True)
def generate_data_key_pair_without_plaintext(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    out = _data_key_pair(ctx, request, "GenerateDataKeyPairWithoutPlaintext")
    del out["PrivateKeyPlaintext"]
    return out


def _mac_key(ctx: Context, request: dict[str, Any], operation: str) -> tuple[dict[str, Any], bytes]:
    doc = key_of(ctx, request["KeyId"])
    check_usable(doc)
    check_usage(doc, "GENERATE_VERIFY_MAC", operation)
    _algorithm(doc, "MacAlgorithms", request["MacAlgorithm"])
    mac = primitives.mac(
        material.secret(tx_of(ctx), doc, material.current(doc)), request["MacAlgorithm"], request["Message"]
    )
    return doc, mac


@service.handler("GenerateMac")
def generate_mac(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc, mac = _mac_key(ctx, request, "GenerateMac")
    dry_run(request)
    return {"Mac": mac, "MacAlgorithm": request["MacAlgorithm"], "KeyId": doc["Arn"]}


@service.handler("VerifyMac")
def verify_mac(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc, mac = _mac_key(ctx, request, "VerifyMac")
    dry_run(request)
    if not hmac.compare_digest(mac, request["Mac"]):
        raise ServiceError("KMSInvalidMacException", "", 400)
    return {"KeyId": doc["Arn"], "MacValid": True, "MacAlgorithm": request["MacAlgorithm"]}
