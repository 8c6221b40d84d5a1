"""Refresh fogbank's copy of the AWS managed policies: fogbank/services/iam/data/aws_managed_policies.json.gz.

The documents come from moto's maintained data set, `moto/iam/aws_managed_policies.py`, which holds them
as one JSON object in a string: policy name -> CreateDate, DefaultVersionId, Document, Path, UpdateDate.
That file is read as text (moto is never imported, and is not a fogbank dependency); the JSON is checked,
reduced to those fields and written gzip'd, with sorted keys and no whitespace, reproducibly (no mtime).

To refresh the data:

    pip install -U moto                        # in any environment, e.g. the bench venv
    python scripts/update_managed_policies.py  # finds moto in the running interpreter
    # or, with moto installed elsewhere:
    python scripts/update_managed_policies.py --source /path/to/site-packages/moto/iam/aws_managed_policies.py

then run tests/services/iam/test_managed.py and commit the new .json.gz.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent.parent / "fogbank/services/iam/data/aws_managed_policies.json.gz"
FIELDS = ("CreateDate", "DefaultVersionId", "Document", "Path", "UpdateDate")
# Policies fogbank's own tests and documentation rely on: a source without them is not a good source.
EXPECTED = (
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "IAMReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AWSLambda_FullAccess",
    "AWSLambdaBasicExecutionRole",
    "AWSKeyManagementServicePowerUser",
    "CloudWatchLogsFullAccess",
)


def default_source() -> Path:
    # find_spec on the top-level package locates it without running its __init__.
    spec = importlib.util.find_spec("moto")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("moto is not installed in this interpreter: pass --source PATH")
    return Path(next(iter(spec.submodule_search_locations))) / "iam" / "aws_managed_policies.py"


def extract(text: str) -> dict[str, dict[str, Any]]:
    """The JSON object between the module's triple quotes, reduced to the fields fogbank serves."""
    start, end = text.find('"""'), text.rfind('"""')
    if start < 0 or end <= start:
        raise SystemExit("no triple-quoted JSON found in the source")
    data = json.loads(text[start + 3 : end])
    policies: dict[str, dict[str, Any]] = {}
    for name, policy in data.items():
        missing = [f for f in FIELDS if f not in policy]
        if missing or not isinstance(policy["Document"], dict):
            raise SystemExit(f"policy {name} lacks {missing or 'a Document object'}")
        policies[name] = {f: policy[f] for f in FIELDS}
    absent = [name for name in EXPECTED if name not in policies]
    if absent:
        raise SystemExit(f"the source lacks {', '.join(absent)}")
    return policies


def write(policies: dict[str, dict[str, Any]], output: Path) -> int:
    payload = json.dumps(policies, sort_keys=True, separators=(",", ":")).encode()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(payload)
    return output.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="moto/iam/aws_managed_policies.py (default: moto's own)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    source = args.source or default_source()
    policies = extract(source.read_text(encoding="utf-8"))
    size = write(policies, args.output)
    print(f"{len(policies)} policies from {source} -> {args.output} ({size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
