"""CreateTable's checks and the new table's document, with AWS's ValidationException messages.

Checked as AWS checks them: the table name, the key schema (one HASH first, an optional RANGE second),
attribute definitions (each key attribute defined, every defined attribute used by some key schema),
billing mode against provisioned throughput, local indexes (at most 5, the table's hash key, a range
key), global indexes (at most 20, throughput as the billing mode demands), projections and streams.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from fogbank.errors import ServiceError
from fogbank.state import new_id

__all__ = [
    "validation",
    "check_table_name",
    "check_key_schema",
    "check_projection",
    "check_throughput",
    "index_doc",
    "new_table_doc",
    "stream_fields",
    "check_sse",
    "MAX_LSIS",
    "MAX_GSIS",
]

MAX_LSIS = 5
MAX_GSIS = 20
MAX_NON_KEY_ATTRIBUTES = 100
_NAME = re.compile(r"[a-zA-Z0-9_.\-]+")
_INVALID = "One or more parameter values were invalid: "


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def check_table_name(name: str) -> None:
    """A new table's name (the model gives CreateTable's TableName an ARN's looser shape)."""
    member = "tableName"
    if len(name) < 3:
        raise validation(
            f"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: "
            "Member must have length greater than or equal to 3"
        )
    if len(name) > 255:
        raise validation(
            f"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: "
            "Member must have length less than or equal to 255"
        )
    if not _NAME.fullmatch(name):
        raise validation(
            f"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        )


def check_sse(spec: dict[str, Any] | None) -> None:
    """An SSESpecification that disables SSE may name neither a type nor a key."""
    if spec and not spec.get("Enabled"):
        if spec.get("SSEType") is not None:
            raise validation(_INVALID + "SSEType can not be specified if Enabled is false")
        if spec.get("KMSMasterKeyId") is not None:
            raise validation(_INVALID + "KMSMasterKeyId can not be specified if Enabled is false")


def check_key_schema(key_schema: list[dict[str, str]], defined: dict[str, str]) -> None:
    """One HASH element first and an optional RANGE second, each attribute defined."""
    if len(key_schema) > 2:
        raise validation(
            f"1 validation error detected: Value '{key_schema}' at 'keySchema' failed to satisfy constraint: "
            "Member must have length less than or equal to 2"
        )
    if key_schema[0]["KeyType"] != "HASH":
        raise validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(key_schema) == 2:
        if key_schema[1]["KeyType"] != "RANGE":
            raise validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
        if key_schema[0]["AttributeName"] == key_schema[1]["AttributeName"]:
            raise validation(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name"
            )
    missing = [k["AttributeName"] for k in key_schema if k["AttributeName"] not in defined]
    if missing:
        raise validation(
            _INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(missing)}], AttributeDefinitions: [{', '.join(defined)}]"
        )


def check_projection(projection: dict[str, Any] | None) -> dict[str, Any]:
    projection = projection or {}
    kind = projection.get("ProjectionType")
    non_key = projection.get("NonKeyAttributes")
    if kind is None:
        raise validation(_INVALID + "Unknown ProjectionType: null")
    if kind == "INCLUDE" and not non_key:
        raise validation(_INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if kind != "INCLUDE" and non_key is not None:
        raise validation(_INVALID + f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    for position, attribute in enumerate(non_key or ()):
        if attribute in non_key[:position]:
            raise validation(_INVALID + f"Duplicate element in NonKeyAttributes: {attribute}")
    return {"ProjectionType": kind, **({"NonKeyAttributes": list(non_key)} if non_key else {})}


def check_throughput(throughput: dict[str, Any]) -> dict[str, int]:
    """The two units of a ProvisionedThroughput (the model requires both, at least 1: checked on input)."""
    return {
        "ReadCapacityUnits": throughput["ReadCapacityUnits"],
        "WriteCapacityUnits": throughput["WriteCapacityUnits"],
    }


def _throughput_doc(throughput: dict[str, int] | None) -> dict[str, Any]:
    throughput = throughput or {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    return {**throughput, "NumberOfDecreasesToday": 0}


def index_doc(
    spec: dict[str, Any],
    table_arn: str,
    defined: dict[str, str],
    billing_mode: str,
    is_global: bool,
    missing_throughput: str = "ProvisionedThroughput is not specified for index: {name}",
) -> dict[str, Any]:
    """A secondary index's document from its CreateTable/UpdateTable specification."""
    name = spec["IndexName"]
    check_key_schema(spec["KeySchema"], defined)
    doc: dict[str, Any] = {
        "IndexName": name,
        "Id": new_id(),
        "KeySchema": spec["KeySchema"],
        "Projection": check_projection(spec.get("Projection")),
        "IndexArn": f"{table_arn}/index/{name}",
    }
    if not is_global:
        return doc
    throughput = spec.get("ProvisionedThroughput")
    if billing_mode == "PROVISIONED":
        if throughput is None:
            raise validation(_INVALID + missing_throughput.format(name=name))
        doc["ProvisionedThroughput"] = _throughput_doc(check_throughput(throughput))
    else:
        if throughput is not None:
            raise validation(
                _INVALID + f"ProvisionedThroughput should not be specified for index: {name} "
                "when BillingMode is PAY_PER_REQUEST"
            )
        doc["ProvisionedThroughput"] = _throughput_doc(None)
    doc["IndexStatus"] = "ACTIVE"
    return doc


_CREATE_STREAM_MESSAGES = (
    "Table is being created with a stream enabled, UpdateViewType is required",
    "Table is being created with a stream disabled, UpdateViewType should not be specified",
)


def stream_fields(
    spec: dict[str, Any] | None,
    table_arn: str,
    now: datetime,
    messages: tuple[str, str] = _CREATE_STREAM_MESSAGES,
) -> dict[str, Any]:
    """StreamSpecification, and a new LatestStreamLabel/Arn when the stream is enabled.

    `messages` say what is wrong when an enabled stream has no view type, or a disabled one has one.
    """
    if not spec:
        return {}
    if spec.get("StreamEnabled"):
        if not spec.get("StreamViewType"):
            raise validation(_INVALID + messages[0])
        label = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}"
        return {
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]},
            "LatestStreamLabel": label,
            "LatestStreamArn": f"{table_arn}/stream/{label}",
        }
    if spec.get("StreamViewType"):
        raise validation(_INVALID + messages[1])
    return {}


def _billing(request: dict[str, Any]) -> tuple[str, dict[str, int] | None]:
    mode = request.get("BillingMode", "PROVISIONED")
    throughput = request.get("ProvisionedThroughput")
    if mode == "PROVISIONED":
        if throughput is None:
            raise validation(
                _INVALID + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode "
                "is PROVISIONED"
            )
        return mode, check_throughput(throughput)
    if throughput is not None:
        raise validation(
            _INVALID
            + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
            "PAY_PER_REQUEST"
        )
    return mode, None


def _attribute_definitions(request: dict[str, Any]) -> dict[str, str]:
    defined: dict[str, str] = {}
    for definition in request.get("AttributeDefinitions", []):
        name = definition["AttributeName"]
        if name in defined:
            raise validation(f"Attribute Name is duplicated: {name}")
        defined[name] = definition["AttributeType"]
    return defined


def _check_all_used(defined: dict[str, str], used: list[str], has_indexes: bool) -> None:
    if set(defined) == set(used):
        return
    if not has_indexes:
        raise validation(
            _INVALID
            + "Number of attributes in KeySchema does not exactly match number of attributes defined "
            "in AttributeDefinitions"
        )
    raise validation(
        _INVALID + f"Some AttributeDefinitions are not used. AttributeDefinitions: [{', '.join(defined)}], "
        f"keys used: [{', '.join(dict.fromkeys(used))}]"
    )


def _local_indexes(
    specs: list[dict[str, Any]], key_schema: list[dict[str, str]], arn: str, defined: dict[str, str]
) -> list[dict[str, Any]]:
    if not specs:
        return []
    if len(key_schema) < 2:
        raise validation(
            _INVALID + "Table KeySchema does not have a range key, which is required when specifying a "
            "LocalSecondaryIndex"
        )
    if len(specs) > MAX_LSIS:
        raise validation(_INVALID + f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSIS}")
    docs = []
    for spec in specs:
        doc = index_doc(spec, arn, defined, "PAY_PER_REQUEST", False)
        keys = spec["KeySchema"]
        if keys[0]["AttributeName"] != key_schema[0]["AttributeName"]:
            raise validation(
                _INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema for "
                f"index: {spec['IndexName']}. index hash key: {keys[0]['AttributeName']}, table hash key: "
                f"{key_schema[0]['AttributeName']}"
            )
        if len(keys) < 2:
            raise validation(
                _INVALID + f"Index KeySchema does not have a range key for index: {spec['IndexName']}"
            )
        docs.append(doc)
    return docs


def _checked_tags(tags: list[dict[str, str]]) -> list[dict[str, str]]:
    from fogbank.services.dynamodb.tags import check_tags

    return check_tags(tags)


def new_table_doc(request: dict[str, Any], account: str, region: str, now: datetime) -> dict[str, Any]:
    """Validate a CreateTable request and build the new table's document (status ACTIVE)."""
    name = request["TableName"]
    check_table_name(name)
    defined = _attribute_definitions(request)
    key_schema = request["KeySchema"]
    check_key_schema(key_schema, defined)
    arn = f"arn:aws:dynamodb:{region}:{account}:table/{name}"
    lsi_specs = request.get("LocalSecondaryIndexes") or []
    gsi_specs = request.get("GlobalSecondaryIndexes") or []
    used = [k["AttributeName"] for k in key_schema]
    for spec in lsi_specs + gsi_specs:
        used += [k["AttributeName"] for k in spec.get("KeySchema", [])]
    _check_all_used(defined, used, bool(lsi_specs or gsi_specs))
    mode, throughput = _billing(request)
    if len(gsi_specs) > MAX_GSIS:
        raise validation(_INVALID + f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSIS}")
    lsis = _local_indexes(lsi_specs, key_schema, arn, defined)
    gsis = [index_doc(spec, arn, defined, mode, True) for spec in gsi_specs]
    names = [i["IndexName"] for i in lsis + gsis]
    for index_name in names:
        if names.count(index_name) > 1:
            raise validation(_INVALID + f"Duplicate index name: {index_name}")
    non_key = sum(len(i["Projection"].get("NonKeyAttributes", ())) for i in lsis + gsis)
    if non_key > MAX_NON_KEY_ATTRIBUTES:
        raise validation(
            _INVALID + f"Number of NonKeyAttributes in all indexes exceeds limit of {MAX_NON_KEY_ATTRIBUTES}"
        )
    timestamp = now.timestamp()
    doc: dict[str, Any] = {
        "TableName": name,
        "TableId": str(uuid.uuid4()),
        "TableArn": arn,
        "Id": new_id(),
        "TableStatus": "ACTIVE",
        "CreationDateTime": timestamp,
        "AttributeDefinitions": request["AttributeDefinitions"],
        "KeySchema": key_schema,
        "BillingMode": mode,
        "ProvisionedThroughput": _throughput_doc(throughput),
        "TableClass": request.get("TableClass", "STANDARD"),
        "DeletionProtectionEnabled": bool(request.get("DeletionProtectionEnabled", False)),
        "Tags": _checked_tags(request.get("Tags") or []),
    }
    if mode == "PAY_PER_REQUEST":
        doc["LastUpdateToPayPerRequestDateTime"] = timestamp
    if request.get("OnDemandThroughput"):
        doc["OnDemandThroughput"] = request["OnDemandThroughput"]
    if lsis:
        doc["LocalSecondaryIndexes"] = lsis
    if gsis:
        doc["GlobalSecondaryIndexes"] = gsis
    doc.update(stream_fields(request.get("StreamSpecification"), arn, now))
    check_sse(request.get("SSESpecification"))
    return doc
