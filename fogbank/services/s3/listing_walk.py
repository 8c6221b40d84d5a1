"""The walk every S3 listing shares: keys in UTF-8 byte order, rolled up into common prefixes.

A walk reads rows through a range-scan function in batches. When a key holds the delimiter after
the prefix, the walk emits that common prefix once and jumps past every key that starts with it
(the next scan starts at `prefix_end(common prefix)`), so a prefix with a million keys costs one
index seek, not a million rows. A common prefix that does not sort after the marker the listing
resumes from was already returned by an earlier page and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from fogbank.services.s3.objects_store import ObjectVersion
from fogbank.state import prefix_end

__all__ = ["Scan", "encoder", "walk"]

# scan(start, inclusive, after_seq, limit): rows from `start` on (after `after_seq` within key `start`).
Scan = Callable[[str | None, bool, int | None, int], list[ObjectVersion]]
_DELIMITED_BATCH = 64  # rows per scan when common prefixes may cut a batch short


def walk(
    scan: Scan, prefix: str, delimiter: str, marker: str | None, after_seq: int | None, want: int
) -> list[ObjectVersion | str]:
    """Up to `want` entries (rows and common prefixes, in order) after `marker`."""
    out: list[ObjectVersion | str] = []
    start, inclusive, seq = marker, False, after_seq
    while len(out) < want:
        batch = want - len(out)
        if delimiter:
            batch = min(batch, _DELIMITED_BATCH)
        rows = scan(start, inclusive, seq, batch)
        jumped = False
        for row in rows:
            if delimiter:
                cut = row.key.find(delimiter, len(prefix))
                if cut >= 0:
                    common = row.key[: cut + len(delimiter)]
                    if marker is None or common > marker:
                        out.append(common)
                    end = prefix_end(common)
                    if end is None:
                        return out
                    start, inclusive, seq = end, True, None
                    jumped = True
                    break
            out.append(row)
            start, inclusive, seq = row.key, False, row.seq
            if len(out) >= want:
                return out
        if not jumped and len(rows) < batch:
            break
    return out


# The characters `quote(safe="/~")` leaves alone: most keys are made of them and need no encoding.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~/-]*")


def _url(text: str) -> str:
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="/~")


def encoder(encoding_type: str | None) -> Callable[[str], str]:
    """EncodingType=url percent-encodes keys and prefixes in the answer (for keys XML cannot carry)."""
    return _url if encoding_type == "url" else str
