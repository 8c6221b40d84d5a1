"""The codec oracle's report line, per protocol and in total, at the end of the test session."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Generator
from typing import Any

import pytest

_KINDS = ("input", "output", "error")
# (kind, protocol) -> {nodeid: "passed" | "failed" | "skipped"}
_results: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    callspec = getattr(item, "callspec", None)
    case = callspec.params.get("case") if callspec is not None else None
    if case is not None and getattr(case, "kind", None) in _KINDS:
        outcomes = _results[(case.kind, case.protocol)]
        if report.failed:
            outcomes[item.nodeid] = "failed"
        elif report.skipped:
            outcomes.setdefault(item.nodeid, "skipped")
        elif report.when == "call":
            outcomes.setdefault(item.nodeid, "passed")
    return report


def _counts(kind: str, protocol: str | None) -> Counter[str]:
    counts: Counter[str] = Counter()
    for (k, p), outcomes in _results.items():
        if k == kind and (protocol is None or p == protocol):
            counts.update(outcomes.values())
    return counts


def _line(protocol: str | None) -> str:
    parts = []
    skipped = []
    for kind in _KINDS:
        counts = _counts(kind, protocol)
        parts.append(f"{counts['passed']}/{sum(counts.values())}")
        if counts["skipped"]:
            skipped.append(f"{counts['skipped']} {kind}")
    line = (
        f"codec oracle{f' [{protocol}]' if protocol else ''}: {parts[0]} operations round-trip (input), "
        f"{parts[1]} (output), {parts[2]} services' errors"
    )
    return line + (f" (skipped: {', '.join(skipped)})" if skipped else "")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _results:
        return
    terminalreporter.section("codec oracle")
    for protocol in sorted({p for _, p in _results}):
        terminalreporter.write_line(_line(protocol))
    terminalreporter.write_line(_line(None))
