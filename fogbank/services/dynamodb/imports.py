"""ImportTable, DescribeImport and ListImports: a new table filled from objects in fogbank's S3.

ImportTable checks its TableCreationParameters as CreateTable does, reads every object under the
S3KeyPrefix (import_source.py), and when the source can be read creates the table through CreateTable's
own path and writes each item through store.write, all within the request. Lines that are not items, or
items the table refuses (a missing or mistyped key, an invalid value, over 400 KB) count in ErrorCount
and are skipped, as AWS skips them. A source that cannot be read (no such bucket, another account's
bucket, no object under the prefix) fails the import: ImportStatus FAILED with S3's error, and no table.
The answer says IN_PROGRESS, as AWS's does; DescribeImport then says COMPLETED or FAILED.

An import is a document of kind "import", named by its ARN, with its description's members (times as
epoch seconds) and the request's parameters, which a repeated ClientToken is compared against.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import service, store, tables
from fogbank.services.dynamodb.create import new_table_doc, validation
from fogbank.services.dynamodb.doc_pages import page_after, started
from fogbank.services.dynamodb.import_source import decompress, parse, read_objects
from fogbank.services.dynamodb.items import validate_new_item

__all__: list[str] = []

IMPORT = "import"
_FORMATS = ("DYNAMODB_JSON", "CSV")
_COMPRESSIONS = ("NONE", "GZIP")
_PARAMETERS = (
    "S3BucketSource",
    "InputFormat",
    "InputFormatOptions",
    "InputCompressionType",
    "TableCreationParameters",
)
_TIMES = ("StartTime", "EndTime")
# What only the finished import reports: ImportTable's own answer (IN_PROGRESS) leaves them out.
_RESULTS = (
    "EndTime",
    "ProcessedItemCount",
    "ImportedItemCount",
    "ErrorCount",
    "ProcessedSizeBytes",
    "FailureCode",
    "FailureMessage",
)
_SUMMARY = (
    "ImportArn",
    "ImportStatus",
    "TableArn",
    "S3BucketSource",
    "CloudWatchLogGroupArn",
    "InputFormat",
    "StartTime",
    "EndTime",
)
_MAX_PAGE = 25
# The smallest NextToken the model accepts is 112 hex digits: 56 bytes.
_TOKEN_BYTES = 56


def _check_request(request: dict[str, Any]) -> None:
    if request["InputFormat"] not in _FORMATS:
        raise validation(f"fogbank imports the {' and '.join(_FORMATS)} formats only")
    if request.get("InputCompressionType", "NONE") not in _COMPRESSIONS:
        raise validation("fogbank imports uncompressed or GZIP-compressed objects only")


def _parameters(request: dict[str, Any]) -> dict[str, Any]:
    """The members of the request an import describes, with AWS's default compression."""
    given = {member: request[member] for member in _PARAMETERS if member in request}
    return {"InputCompressionType": "NONE", **given}


def _same_token(ctx: Context, request: dict[str, Any]) -> dict[str, Any] | None:
    """The import an earlier request with this ClientToken started; ImportConflictException if that
    request asked for something else."""
    token = request.get("ClientToken")
    if token is None:
        return None
    for _, doc in ctx.tx.list_docs("dynamodb", IMPORT, ctx.account, ctx.region):
        if doc.get("ClientToken") == token:
            if doc["Parameters"] != _parameters(request):
                raise ServiceError(
                    "ImportConflictException",
                    "There was a conflict when importing from the specified S3 source. This can occur when "
                    "the current import conflicts with a previous import request that had the same client "
                    "token.",
                    400,
                )
            return doc
    return None


def _description(doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if k not in (*_TIMES, "Parameters")}
    out.update(doc["Parameters"])
    for member in _TIMES:
        if member in doc:
            out[member] = datetime.fromtimestamp(doc[member], UTC)
    return out


def _fill(ctx: Context, request: dict[str, Any], doc: dict[str, Any]) -> None:
    """Read the source and, when it can be read, create the table and write its items."""
    params = request["TableCreationParameters"]
    types = {d["AttributeName"]: d["AttributeType"] for d in params["AttributeDefinitions"]}
    options = request.get("InputFormatOptions", {}).get("Csv", {})
    compression = request.get("InputCompressionType", "NONE")
    objects = errors = size = 0
    parsed: list[dict[str, Any] | None] = []
    try:
        for _, object_size, data in read_objects(ctx, request["S3BucketSource"]):
            objects += 1
            size += object_size
            plain = decompress(data, compression)
            parsed.extend([None] if plain is None else parse(plain, request["InputFormat"], options, types))
    except ServiceError as error:
        doc.update(ImportStatus="FAILED", FailureCode=error.code, FailureMessage=error.message)
        return
    if objects == 0:
        doc.update(
            ImportStatus="FAILED",
            FailureCode="NoSuchKey",
            FailureMessage="No S3 object was found under the given bucket and key prefix",
        )
        return
    from fogbank.services.dynamodb.table_ops import create_table

    create_table(ctx, params)
    table = tables.load(ctx.tx, ctx.account, ctx.region, params["TableName"])
    now = ctx.clock.now()
    written: set[tuple[int, bytes, bytes]] = set()
    for item in parsed:
        if item is not None:
            try:
                item = validate_new_item(table, item)
            except ServiceError:
                item = None
        if item is None:
            errors += 1
            continue
        key = table.key_of(item)
        store.write(ctx.tx, table, key, store.get(ctx.tx, table, key), item, now=now)
        written.add(store.encoded_key(table, key))
    doc.update(
        ImportStatus="COMPLETED",
        ProcessedItemCount=len(parsed),
        ImportedItemCount=len(written),
        ErrorCount=errors,
        ProcessedSizeBytes=size,
    )


@service.handler("ImportTable", waits=True)
def import_table(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    earlier = _same_token(ctx, request)
    if earlier is not None:
        return {"ImportTableDescription": _description(earlier)}
    _check_request(request)
    params = request["TableCreationParameters"]
    now = ctx.clock.now()
    # The table is checked as CreateTable checks it before the source is read, so a bad request fails
    # as one; the table itself is made only once the source is known to be readable.
    table_doc = new_table_doc(params, ctx.account, ctx.region, now)
    if ctx.tx.get_doc(tables.SERVICE, tables.KIND, ctx.account, ctx.region, params["TableName"]) is not None:
        raise ServiceError("ResourceInUseException", f"Table already exists: {params['TableName']}", 400)
    import_id = f"{int(now.timestamp() * 1000):013d}-{uuid.uuid4().hex[:8]}"
    doc: dict[str, Any] = {
        "ImportArn": f"{table_doc['TableArn']}/import/{import_id}",
        "ImportStatus": "IN_PROGRESS",
        "TableArn": table_doc["TableArn"],
        "CloudWatchLogGroupArn": f"arn:aws:logs:{ctx.region}:{ctx.account}:log-group:/aws-dynamodb/imports:*",
        "StartTime": now.timestamp(),
        "Parameters": _parameters(request),
    }
    if request.get("ClientToken") is not None:
        doc["ClientToken"] = request["ClientToken"]
    _fill(ctx, request, doc)
    created = tables.load_or_none(ctx.tx, ctx.account, ctx.region, params["TableName"])
    if created is not None:
        doc["TableId"] = created.doc["TableId"]
    doc["EndTime"] = ctx.clock.now().timestamp()
    ctx.tx.put_doc("dynamodb", IMPORT, ctx.account, ctx.region, doc["ImportArn"], doc)
    answer = {k: v for k, v in _description(doc).items() if k not in _RESULTS}
    return {"ImportTableDescription": {**answer, "ImportStatus": "IN_PROGRESS"}}


@service.handler("DescribeImport")
def describe_import(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = ctx.tx.get_doc("dynamodb", IMPORT, ctx.account, ctx.region, request["ImportArn"])
    if doc is None:
        raise ServiceError("ImportNotFoundException", f"Import not found: {request['ImportArn']}", 400)
    return {"ImportTableDescription": _description(doc)}


def _token(arn: str) -> str:
    raw = arn.encode()
    length = max(_TOKEN_BYTES, -(-len(raw) // 8) * 8)
    return raw.ljust(length, b"\0").hex()


def _after(token: str) -> str:
    try:
        return bytes.fromhex(token).rstrip(b"\0").decode()
    except (ValueError, UnicodeDecodeError):
        raise validation("Invalid NextToken") from None


@service.handler("ListImports")
def list_imports(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    docs = started(ctx.tx, IMPORT, ctx.account, ctx.region, request.get("TableArn"), "ImportArn")
    after = _after(request["NextToken"]) if "NextToken" in request else None
    page, last = page_after(docs, "ImportArn", after, request.get("PageSize", _MAX_PAGE))
    summaries = [
        {member: value for member, value in _description(doc).items() if member in _SUMMARY} for doc in page
    ]
    out: dict[str, Any] = {"ImportSummaryList": summaries}
    if last is not None:
        out["NextToken"] = _token(last)
    return out
