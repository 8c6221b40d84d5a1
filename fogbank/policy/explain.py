"""The human-readable explanation of a decision, for `fogbank explain` and the console.

`render` takes the JSON-able form of a Decision (`Decision.as_dict()`, as recorded for a request id)
and lays it out as text: the verdict and AWS's reason first, then each policy that was consulted and,
statement by statement, whether it matched and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["render"]


def render(decision: Mapping[str, Any]) -> str:
    verdict = "ALLOWED" if decision.get("allowed") else "DENIED"
    lines = [
        f"{verdict}  {decision.get('action')} on {decision.get('resource')}",
        f"  principal {decision.get('principal')}",
        f"  resource account {decision.get('resource_account') or '-'}",
    ]
    if decision.get("because"):
        lines.append(f"  {decision['because']}")
    traces = decision.get("traces") or []
    if not traces:
        lines.append("")
        lines.append("No policies apply to this principal.")
    for trace in traces:
        lines.append("")
        lines.append(f"{trace.get('kind')}: {trace.get('label')}")
        statements = trace.get("statements") or []
        if not statements:
            lines.append("  (no statements)")
        for statement in statements:
            mark = "match" if statement.get("matched") else "  -  "
            sid = statement.get("sid") or f"#{statement.get('index')}"
            lines.append(f"  [{mark}] {statement.get('effect'):<5} {sid}: {statement.get('why')}")
    return "\n".join(lines) + "\n"
