"""Listing and paging documents of DynamoDB's own kinds (exports, imports, contributor insights).

`started` lists a kind's documents (those of one table when asked) oldest first, by StartTime and then
by the member that names each one. `page_after` pages them: a page resumes after the document whose
`member` is the caller's token; a token naming no document (one since removed) ends the listing, as a
token past the end does.
"""

from __future__ import annotations

from typing import Any

from fogbank.state import Transaction

__all__ = ["page_after", "started"]


def started(
    tx: Transaction, kind: str, account: str, region: str, table_arn: str | None, member: str
) -> list[dict[str, Any]]:
    """The documents of `kind` (of table `table_arn` only, if given), oldest first."""
    docs = [doc for _, doc in tx.list_docs("dynamodb", kind, account, region)]
    if table_arn is not None:
        docs = [d for d in docs if d["TableArn"] == table_arn]
    return sorted(docs, key=lambda d: (d["StartTime"], d[member]))


def page_after(
    docs: list[dict[str, Any]], member: str, after: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """(the page of up to `limit` documents after the one named `after`, the next page's token or None)."""
    start = 0
    if after is not None:
        names = [d[member] for d in docs]
        start = names.index(after) + 1 if after in names else len(docs)
    page = docs[start : start + limit]
    return page, page[-1][member] if start + limit < len(docs) else None
