"""AssumeRoleWithWebIdentity: an OpenID Connect ID token, unsigned request, becomes a role session.

The token's issuer must be an OIDC provider registered in the role's account (IAM's "oidc-provider"
documents), its audience one of the provider's client ids, its signature one of the issuer's keys, and it
must not have expired by fogbank's clock. The trust policy then decides, with the Federated principal (the
provider's ARN) and the token's claims as condition keys ("{provider}:aud", ":sub", ":amr").

Keys come from the issuer itself, as AWS fetches them: {issuer}/.well-known/openid-configuration names the
jwks_uri (else {issuer}/.well-known/jwks.json). fogbank only reaches issuers on loopback (127.0.0.1, ::1,
localhost and *.localhost), where a local identity provider runs with a self-signed certificate, so TLS is
not verified there; keys are cached per issuer and refetched when a token names a key id not yet seen.
"""

from __future__ import annotations

import json
import ssl
import threading
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sts import service
from fogbank.services.sts.assume_role import role_lifetime, role_session, start_role_session
from fogbank.services.sts.sessions import check_names, session_policies
from fogbank.services.sts.trust import ROLE_ARN, find_role, require_trust

__all__ = ["assume_role_with_web_identity", "issuer_keys"]

ACTION = "sts:AssumeRoleWithWebIdentity"
ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"]
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_FETCH_TIMEOUT = 5.0
_keys: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidIdentityToken", message, 400)


_NO_KEY = (
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements"
)
_BAD_TOKEN = (
    "The web identity token that was passed could not be validated by AWS. Get a new identity token from "
    "the identity provider and then retry the request."
)
_DENIED = ServiceError("AccessDenied", f"Not authorized to perform {ACTION}", 403)


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in _LOOPBACK or host.endswith(".localhost")


def _fetch_json(url: str) -> Any:
    context = ssl._create_unverified_context()  # loopback identity providers use self-signed certificates
    try:
        with urllib.request.urlopen(url, timeout=_FETCH_TIMEOUT, context=context) as response:
            return json.loads(response.read())
    except (OSError, ValueError) as error:
        raise _invalid(_NO_KEY) from error


def issuer_keys(issuer: str, refresh: bool = False) -> dict[str, Any]:
    """The issuer's signing keys by key id, fetched through its discovery document and then cached."""
    with _lock:
        cached = _keys.get(issuer)
    if cached is not None and not refresh:
        return cached
    base = issuer.rstrip("/")
    if not _is_loopback(base):
        raise _invalid(_NO_KEY)
    try:
        jwks_uri = str(_fetch_json(base + "/.well-known/openid-configuration")["jwks_uri"])
    except (ServiceError, KeyError, TypeError):
        jwks_uri = base + "/.well-known/jwks.json"
    if not _is_loopback(jwks_uri):
        raise _invalid(_NO_KEY)
    document = _fetch_json(jwks_uri)
    keys = {entry.get("kid", ""): entry for entry in document.get("keys", []) if isinstance(entry, dict)}
    with _lock:
        _keys[issuer] = keys
    return keys


def _signing_key(issuer: str, kid: str) -> Any:
    keys = issuer_keys(issuer)
    if kid not in keys:
        keys = issuer_keys(issuer, refresh=True)
    entry = keys.get(kid) or (next(iter(keys.values())) if len(keys) == 1 and not kid else None)
    if entry is None:
        raise _invalid(_NO_KEY)
    import jwt

    return jwt.PyJWK(entry).key


def _verified_claims(
    ctx: Context, token: str, provider: dict[str, Any], issuer: str
) -> tuple[dict[str, Any], str]:
    """The token's claims once its signature, audience and expiry hold, and the audience that matched."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
        key = _signing_key(issuer, str(header.get("kid", "")))
        # Expiry is judged by fogbank's clock below, not the host's.
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False},
        )
    except jwt.PyJWTError as error:
        raise _invalid(_BAD_TOKEN) from error
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
    matched = [audience for audience in audiences if audience in provider.get("ClientIDList", [])]
    if not matched:
        raise _invalid("Incorrect token audience")
    now = int(ctx.clock.time())
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or now >= expires:
        raise ServiceError(
            "ExpiredTokenException",
            f"Token expired: current date/time {now} must be before the expiration date/time {expires}",
            400,
        )
    return claims, matched[0]


@service.handler("AssumeRoleWithWebIdentity", waits=True)
def assume_role_with_web_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    import jwt  # imported on first use, not at server start

    from fogbank.authorization import client_ip
    from fogbank.policy import PrincipalContext
    from fogbank.services.iam.oidc_providers import oidc_provider

    tx = ctx.tx
    assert tx is not None
    check_names(ctx, request)
    role_arn, token = request["RoleArn"], request["WebIdentityToken"]
    match = ROLE_ARN.match(role_arn)
    if match is None:
        raise ServiceError("ValidationError", "Request ARN is invalid", 400)
    try:
        issuer = str(jwt.decode(token, options={"verify_signature": False})["iss"])
    except (jwt.PyJWTError, KeyError) as error:
        raise _invalid(_BAD_TOKEN) from error
    account = match.group(1)
    provider = oidc_provider(tx, account, issuer)
    if provider is None:
        raise _invalid(f"No OpenIDConnect provider found in your account for {issuer}")
    claims, audience = _verified_claims(ctx, token, provider, issuer)
    role = find_role(tx, role_arn)
    if role is None:
        raise _DENIED
    lifetime = role_lifetime(request, role)
    policies = session_policies(request)
    host = provider_key(issuer)
    context: dict[str, object] = {
        f"{host}:aud": audience,
        f"{host}:sub": str(claims.get("sub", "")),
        "sts:RoleSessionName": request["RoleSessionName"],
        "aws:FederatedProvider": provider["Arn"],
        "aws:CurrentTime": ctx.clock.now(),
        "aws:SourceIp": client_ip(ctx),
    }
    if "amr" in claims:
        context[f"{host}:amr"] = claims["amr"]
    if "azp" in claims:
        context[f"{host}:azp"] = claims["azp"]
    who = PrincipalContext(
        arn=provider["Arn"], account=account, kind="web-identity", federated=provider["Arn"]
    )
    require_trust(role, who, ACTION, context, _DENIED)
    grant = role_session(role, request["RoleSessionName"], ctx.clock.now() + lifetime, policies)
    return {
        **start_role_session(ctx, role, grant),
        "SubjectFromWebIdentityToken": str(claims.get("sub", "")),
        **policies.packed_size_member(),
        "Provider": issuer,
        "Audience": audience,
    }


def provider_key(issuer: str) -> str:
    """How condition keys name a provider: its URL without the scheme ("host/path")."""
    return issuer.split("://", 1)[-1].rstrip("/")
