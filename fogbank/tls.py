"""A self-signed certificate for `--tls`, made once per data directory with `cryptography`; the
builder of self-signed certificates and PEM private keys that SNS's signing certificate uses too.

SDKs send streaming aws-chunked uploads only over HTTPS, so local HTTPS matters; clients trust
the certificate with `verify=False` or by pointing AWS_CA_BUNDLE at cert.pem.
"""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = ["ensure_certificate", "self_signed", "private_pem"]

NAMES = ("localhost", "*.localhost", "s3.localhost", "*.s3.localhost", "localhost.localstack.cloud")


def ensure_certificate(directory: Path) -> tuple[Path, Path]:
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    alt_names: list[x509.GeneralName] = [x509.DNSName(n) for n in NAMES]
    alt_names += [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    cert = self_signed(
        key,
        "fogbank",
        datetime.datetime.now(datetime.UTC),
        x509.SubjectAlternativeName(alt_names),
        ca=True,
    )
    key_path.write_bytes(private_pem(key))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def self_signed(
    key: Any, common_name: str, now: datetime.datetime, *extensions: x509.ExtensionType, ca: bool = False
) -> x509.Certificate:
    """A certificate for `key`'s public key, signed by `key`, valid from a day before `now` for ten years."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return builder.sign(key, hashes.SHA256())


def private_pem(key: Any) -> bytes:
    """`key` as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
