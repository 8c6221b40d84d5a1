"""The request pipeline's stages: each reads and fills the Context, or raises ServiceError.

The stages are thin: each hands its work to the package that owns it (routing, auth, protocols,
policy, services, state) and records the result on the Context. Their order is the list in
server.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from fogbank import routing, specs
from fogbank.auth import authenticate as authenticate_request
from fogbank.auth.decode import decode_body
from fogbank.authorization import authorize_request
from fogbank.config import Settings
from fogbank.context import Context
from fogbank.errors import ServiceError, not_implemented
from fogbank.protocols import codec
from fogbank.protocols.validate import validate, validation_error
from fogbank.services import handler_for
from fogbank.services.iam.keys import lookup_access_key, record_key_use

__all__ = ["identify", "authenticate", "decode", "parse", "authorize", "dispatch"]


def identify(ctx: Context) -> None:
    route = ctx.request.route or routing.identify(ctx.request)
    ctx.service_name = route.service
    ctx.service = specs.service_model(route.service)
    ctx.operation = ctx.service.operation_model(route.operation)
    ctx.protocol = route.protocol
    ctx.uri_params = route.uri_params
    ctx.signing_name = route.signing_name
    ctx.region = route.region or ctx.settings.region


def authenticate(ctx: Context) -> None:
    """SigV4/SigV2 against fogbank's clock; presigned URLs expire by it.

    SDKs sign with real time, so once `fogbank clock` has moved, a request within the skew window
    of real time is accepted too.
    """
    now = ctx.clock.now()
    lookup = lambda key: lookup_access_key(ctx.db, key, now)  # noqa: E731
    try:
        auth = authenticate_request(
            ctx.request, now=now, strict=ctx.settings.strict, lookup=lookup, protocol=ctx.protocol
        )
    except ServiceError as error:
        if error.code != "RequestTimeTooSkewed" or not ctx.clock.offset:
            raise
        auth = authenticate_request(
            ctx.request,
            now=now,
            strict=ctx.settings.strict,
            lookup=lookup,
            protocol=ctx.protocol,
            skew_now=datetime.now(UTC),
        )
    ctx.principal, ctx.signature, ctx.secret = auth
    key = auth.principal.access_key
    if key is not None and key.startswith("AKIA"):
        record_key_use(ctx.db, key, ctx.signing_name or ctx.service_name or "", ctx.region, now)


_S3_UPLOADS = frozenset(("PutObject", "UploadPart"))


@cache
def _spool_dir(settings: Settings) -> str:
    # Settings.spool_dir builds a Path; once per server's settings is enough for every request.
    return str(settings.spool_dir)


def decode(ctx: Context) -> None:
    """Kept on the context: S3 stores the checksums decode verified with the object."""
    # CompleteMultipartUpload's x-amz-checksum-* headers describe the whole object, not its XML body.
    name = ctx.operation.name if ctx.operation is not None else None
    checksum_headers = name != "CompleteMultipartUpload"
    ctx.decoded = decode_body(
        ctx.request,
        ctx.signature,
        ctx.secret,
        _spool_dir(ctx.settings),
        checksum_headers=checksum_headers,
        # An S3 upload's blob address and ETag are hashed in the pass decode makes over the body anyway.
        content_digests=ctx.service_name == "s3" and name in _S3_UPLOADS,
    )


def parse(ctx: Context) -> None:
    assert ctx.operation is not None and ctx.protocol is not None and ctx.service is not None
    ctx.input = codec(ctx.protocol).parse_request(ctx.operation, ctx.request, ctx.uri_params)
    input_shape = ctx.operation.input_shape
    if input_shape is not None:
        problems = validate(input_shape, ctx.input)
        if problems:
            raise validation_error(ctx.protocol, ctx.service, problems)


def authorize(ctx: Context) -> None:
    authorize_request(ctx, ctx.decisions)


def dispatch(ctx: Context) -> None:
    assert ctx.service_name is not None and ctx.operation is not None
    handler = handler_for(ctx.service_name, ctx.operation.name)
    if handler is None:
        raise not_implemented(ctx.service_name, ctx.operation.name)
    with ctx.db.transaction() as tx:
        ctx.tx = tx
        ctx.output = handler(ctx, ctx.input)
