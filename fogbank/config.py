"""Settings: one frozen object, from command-line flags and FOGBANK_* environment variables.

A flag wins over its variable; a variable wins over the default. `SETTINGS_HELP` documents each
setting once, for `fogbank serve --help` and the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

__all__ = ["Settings", "default_data_dir", "SETTINGS_HELP"]


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "fogbank"


SETTINGS_HELP = {
    "host": "address to listen on (FOGBANK_HOST, default 127.0.0.1)",
    "port": "port to listen on (FOGBANK_PORT, default 4566)",
    "data_dir": "where state lives (FOGBANK_DATA_DIR, default ~/.local/share/fogbank)",
    "ephemeral": "keep state in a temporary directory removed at exit (FOGBANK_EPHEMERAL=1)",
    "strict": "accept only access keys fogbank issued and verify every signature (FOGBANK_STRICT=1)",
    "tls": "serve HTTPS with a self-signed certificate on the port (FOGBANK_TLS=1)",
    "tls_port": "also serve HTTPS on this second port, same state (FOGBANK_TLS_PORT)",
    "trust_proxy": "take the caller's address from X-Forwarded-For (FOGBANK_TRUST_PROXY=1)",
    "fsync": "fsync before acknowledging a write, for power-loss durability (FOGBANK_FSYNC=1)",
    "s3_bucket_quota": "buckets one account may own (FOGBANK_S3_BUCKET_QUOTA, default 10000, as AWS)",
    "dynamodb_throttle": "enforce provisioned DynamoDB throughput, with burst (FOGBANK_DYNAMODB_THROTTLE=1)",
    "smtp_relay": "also send SES mail through this SMTP server, HOST[:PORT] (FOGBANK_SMTP_RELAY)",
    "region": "region of requests that do not name one (FOGBANK_REGION, default us-east-1)",
    "log_level": "server log level (FOGBANK_LOG_LEVEL, default warning)",
}


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Path = Path()
    ephemeral: bool = False
    strict: bool = False
    tls: bool = False
    tls_port: int | None = None
    fsync: bool = False
    trust_proxy: bool = False
    s3_bucket_quota: int = 10_000
    dynamodb_throttle: bool = False
    smtp_relay: str | None = None
    region: str = "us-east-1"
    log_level: str = "warning"

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / "tmp"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from FOGBANK_* variables, then the given (non-None) overrides."""
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(f"FOGBANK_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        values.setdefault("data_dir", default_data_dir())
        values["data_dir"] = Path(str(values["data_dir"])).expanduser()
        return cls(**values)  # type: ignore[arg-type]


def _convert(name: str, raw: str) -> object:
    if name in ("port", "tls_port", "s3_bucket_quota"):
        return int(raw)
    if name in ("ephemeral", "strict", "tls", "fsync", "trust_proxy", "dynamodb_throttle"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw
