"""CPU time and resident memory of a process tree, read from Linux's /proc.

A server may fork workers or helpers, so every figure covers the root process, its live descendants,
and (through the root's `cutime`/`cstime`) descendants that have already exited and been reaped. A
server that keeps its state in files (fogbank's SQLite) holds it outside its RSS, so the disk its open
files take is read too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["tree_cpu_seconds", "tree_open_file_bytes", "tree_pids", "tree_rss_bytes"]

_PROC = Path("/proc")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name, or None if the process is gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is parenthesised and may itself contain spaces or parentheses.
    return text[text.rindex(")") + 2 :].split()


def tree_pids(root: int) -> list[int]:
    """The root pid followed by every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    pids, pending = [], [root]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        pending.extend(children.get(pid, []))
    return pids


def tree_cpu_seconds(root: int) -> float:
    """User plus system CPU seconds used so far by the tree, reaped children included."""
    ticks = 0
    for pid in tree_pids(root):
        fields = _stat_fields(pid)
        if fields is None:
            continue
        # Fields after the name: utime, stime, cutime, cstime are 12..15 (stat columns 14..17).
        ticks += sum(int(value) for value in fields[11:15])
    return ticks / _CLOCK_TICKS


def tree_rss_bytes(root: int) -> int:
    """Sum of VmRSS over the live tree (shared pages are counted once per process)."""
    total = 0
    for pid in tree_pids(root):
        try:
            status = (_PROC / str(pid) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
                break
    return total


def tree_open_file_bytes(root: int) -> int:
    """Disk allocated to the regular files that the live tree holds open, each file counted once."""
    seen: dict[tuple[int, int], int] = {}
    for pid in tree_pids(root):
        try:
            descriptors = list((_PROC / str(pid) / "fd").iterdir())
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                info = descriptor.stat()  # follows the link to the open file, deleted or not
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                seen[(info.st_dev, info.st_ino)] = info.st_blocks * 512
    return sum(seen.values())
