"""The credential report: GenerateCredentialReport and GetCredentialReport.

The report is a CSV with AWS's columns, one row for the root user (`<root_account>`) and one per IAM
user, built from the stored credentials when it is generated. A report is kept and answered until a
newer one replaces it; generating within four hours (on fogbank's clock) answers COMPLETE and keeps
it, generating later builds a new one (STARTED). fogbank builds it at once, so it is never in
progress.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.access_keys import keys_of
from fogbank.services.iam.entities import as_time, scan, tx_of
from fogbank.services.iam.login_profiles import login_profile
from fogbank.services.iam.password_policy import password_policy
from fogbank.state import Transaction

__all__ = ["COLUMNS", "MAX_AGE"]

KEY = "current"
MAX_AGE = timedelta(hours=4)
COLUMNS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
    "cert_2_active,cert_2_last_rotated"
).split(",")


def _stamp(text: str) -> str:
    """A report timestamp as AWS writes it: 2024-05-27T22:07:47+00:00."""
    return as_time(text).replace(microsecond=0).isoformat()


def _key_columns(keys: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    for index in range(2):
        if index >= len(keys):
            columns += ["false", "N/A", "N/A", "N/A", "N/A"]
            continue
        key = keys[index]
        used = key.get("LastUsed")
        columns += [
            "true" if key["Status"] == "Active" else "false",
            _stamp(key["CreateDate"]),
            _stamp(used["LastUsedDate"]) if used else "N/A",
            used["Region"] if used else "N/A",
            used["ServiceName"] if used else "N/A",
        ]
    return columns


# IAM users and the root user may have X.509 signing certificates; fogbank issues none.
_NO_CERTIFICATES = ["false", "N/A", "false", "N/A"]


def _user_row(tx: Transaction, account: str, user: dict[str, Any], max_age: int | None) -> list[str]:
    profile = login_profile(tx, account, user["UserId"])
    mfa = any(d.get("UserId") == user["UserId"] for d in scan(tx, store.MFA_DEVICE, account))
    if profile is None:
        password = ["false", "N/A", "N/A", "N/A"]
    else:
        changed = profile["PasswordLastChanged"]
        rotation = "N/A"
        if max_age:
            rotation = (as_time(changed) + timedelta(days=max_age)).replace(microsecond=0).isoformat()
        last_used = _stamp(user["PasswordLastUsed"]) if user.get("PasswordLastUsed") else "no_information"
        password = ["true", last_used, _stamp(changed), rotation]
    return [
        user["UserName"],
        user["Arn"],
        _stamp(user["CreateDate"]),
        *password,
        "true" if mfa else "false",
        *_key_columns(keys_of(tx, account, user["UserId"])),
        *_NO_CERTIFICATES,
    ]


def _content(tx: Transaction, account: str, root_created: str) -> str:
    policy = password_policy(tx, account) or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "<root_account>",
            f"arn:aws:iam::{account}:root",
            _stamp(root_created),
            "not_supported",
            "no_information",
            "not_supported",
            "not_supported",
            "false",
            *_key_columns(keys_of(tx, account, account)),
            *_NO_CERTIFICATES,
        ]
    )
    users = sorted(scan(tx, store.USER, account), key=lambda u: u["UserName"].lower())
    for user in users:
        writer.writerow(_user_row(tx, account, user, policy.get("MaxPasswordAge")))
    return out.getvalue().rstrip("\n")


def _report(tx: Transaction, account: str) -> dict[str, Any] | None:
    return tx.get_doc(store.SERVICE, store.CREDENTIAL_REPORT, account, store.REGION, KEY)


@service.handler("GenerateCredentialReport")
def generate_credential_report(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    moment: datetime = ctx.clock.now().replace(microsecond=0)
    report = _report(tx, ctx.account)
    if report is not None and moment - as_time(report["GeneratedTime"]) < MAX_AGE:
        return {"State": "COMPLETE"}
    root_created = report["RootCreationTime"] if report else moment.isoformat()
    doc = {
        "GeneratedTime": moment.isoformat(),
        "Content": _content(tx, ctx.account, root_created),
        "RootCreationTime": root_created,
    }
    tx.put_doc(store.SERVICE, store.CREDENTIAL_REPORT, ctx.account, store.REGION, KEY, doc)
    return {"State": "STARTED", "Description": "No report exists. Starting a new report generation task"}


@service.handler("GetCredentialReport")
def get_credential_report(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    report = _report(tx_of(ctx), ctx.account)
    if report is None:
        raise ServiceError(
            "ReportNotPresent",
            "Credential report not present. Use GenerateCredentialReport to generate a report.",
            410,
        )
    return {
        "Content": report["Content"].encode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": as_time(report["GeneratedTime"]),
    }
