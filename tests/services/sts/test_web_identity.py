"""AssumeRoleWithWebIdentity against a local OpenID Connect provider: an HTTPS server on 127.0.0.1 serving
discovery and JWKS, and ID tokens signed with its RSA key by PyJWT."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.asymmetric import rsa

from fogbank.tls import ensure_certificate
from tests.services.sts.helpers import account_client, new_account, role, session_client, trust

CLIENT_ID = "my-app"


class IdentityProvider:
    """An OIDC issuer at https://localhost:PORT/idp with one RSA signing key."""

    def __init__(self, directory: Path) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwks = {"keys": [{**public, "kid": "key-1", "use": "sig", "alg": "RS256"}]}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                documents = {
                    "/idp/.well-known/openid-configuration": {
                        "issuer": provider.issuer,
                        "jwks_uri": provider.issuer + "/keys",
                    },
                    "/idp/keys": jwks,
                }
                body = json.dumps(documents.get(self.path)).encode()
                self.send_response(200 if self.path in documents else 404)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*ensure_certificate(directory))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.issuer = f"https://localhost:{self.server.server_address[1]}/idp"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def token(self, key: Any = None, **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "sub": "user-42",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            **claims,
        }
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": "key-1"})

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdentityProvider]:
    provider = IdentityProvider(tmp_path_factory.mktemp("idp"))
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def setup(client: Any, idp: IdentityProvider) -> dict[str, Any]:
    """An account with the provider registered and a role that trusts its tokens for CLIENT_ID."""
    account = new_account()
    iam = account_client(client, account, "iam")
    provider_arn = iam.create_open_id_connect_provider(
        Url=idp.issuer, ClientIDList=[CLIENT_ID], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    host = idp.issuer.removeprefix("https://")
    condition = {"StringEquals": {f"{host}:aud": CLIENT_ID, f"{host}:sub": "user-42"}}
    created = role(
        iam, trust({"Federated": provider_arn}, "sts:AssumeRoleWithWebIdentity", Condition=condition)
    )
    return {"account": account, "role": created, "provider": provider_arn}


def _unsigned_sts(client: Any) -> Any:
    return client("sts", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_token_becomes_a_role_session(client: Any, idp: IdentityProvider, setup: dict[str, Any]) -> None:
    answer = _unsigned_sts(client).assume_role_with_web_identity(
        RoleArn=setup["role"]["Arn"], RoleSessionName="web", WebIdentityToken=idp.token()
    )
    assert answer["SubjectFromWebIdentityToken"] == "user-42"
    assert answer["Provider"] == idp.issuer
    assert answer["Audience"] == CLIENT_ID
    arn = f"arn:aws:sts::{setup['account']}:assumed-role/{setup['role']['RoleName']}/web"
    assert answer["AssumedRoleUser"]["Arn"] == arn
    identity = session_client(client, answer["Credentials"], "sts").get_caller_identity()
    assert identity["Arn"] == arn


def test_wrong_audience(client: Any, idp: IdentityProvider, setup: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as error:
        _unsigned_sts(client).assume_role_with_web_identity(
            RoleArn=setup["role"]["Arn"], RoleSessionName="web", WebIdentityToken=idp.token(aud="other-app")
        )
    assert _error(error) == ("InvalidIdentityToken", "Incorrect token audience")


def test_expired_token(client: Any, idp: IdentityProvider, setup: dict[str, Any]) -> None:
    past = int(time.time()) - 3600
    with pytest.raises(ClientError) as error:
        _unsigned_sts(client).assume_role_with_web_identity(
            RoleArn=setup["role"]["Arn"],
            RoleSessionName="web",
            WebIdentityToken=idp.token(iat=past - 600, exp=past),
        )
    assert _error(error)[0] == "ExpiredTokenException"


def test_token_signed_by_another_key(client: Any, idp: IdentityProvider, setup: dict[str, Any]) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(ClientError) as error:
        _unsigned_sts(client).assume_role_with_web_identity(
            RoleArn=setup["role"]["Arn"], RoleSessionName="web", WebIdentityToken=idp.token(key=forger)
        )
    assert _error(error)[0] == "InvalidIdentityToken"


def test_trust_conditions_on_claims(client: Any, idp: IdentityProvider, setup: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as error:
        _unsigned_sts(client).assume_role_with_web_identity(
            RoleArn=setup["role"]["Arn"], RoleSessionName="web", WebIdentityToken=idp.token(sub="intruder")
        )
    assert _error(error) == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")


def test_unregistered_issuer(client: Any, idp: IdentityProvider, setup: dict[str, Any]) -> None:
    other = new_account()
    created = role(account_client(client, other, "iam"), trust({"AWS": other}))
    with pytest.raises(ClientError) as error:
        _unsigned_sts(client).assume_role_with_web_identity(
            RoleArn=created["Arn"], RoleSessionName="web", WebIdentityToken=idp.token()
        )
    assert _error(error) == (
        "InvalidIdentityToken",
        f"No OpenIDConnect provider found in your account for {idp.issuer}",
    )
