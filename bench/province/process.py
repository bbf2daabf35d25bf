"""Process and memory helpers of the province benchmark, shared by the job and the worker
figures: the DATABASE_URL handed to the servers and workers a run starts, a process's CPU time,
and what one call costs this process in resident memory and in Python allocations."""

import gc
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from bench.http import memory_kb

from .report import timed

MB = 1024  # kB in a MB: /proc reports kB


def database_env() -> dict[str, str]:
    """DATABASE_URL naming the database this process uses, for the servers and workers it
    starts: under pytest that is the test database, which the inherited DATABASE_URL is not."""
    db = connection.settings_dict
    if connection.vendor != "postgresql" or not db["HOST"]:
        return {}
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return {
        "DATABASE_URL": f"postgres://{quote(db['USER'] or '', safe='')}{password}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"
    }


def cpu_ticks(pid: int) -> int:
    """User plus system CPU time of ``pid`` in clock ticks (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat


def rss_growth(function: Callable[[], object]) -> tuple[float, float]:
    """(seconds, MB the resident set rose above its size before the call): the kernel's
    high-water mark is reset first (/proc/self/clear_refs; 0 where that is not allowed). Memory
    that earlier work freed but the process kept is reused unseen, hence traced_peak too."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = memory_kb(os.getpid(), "VmRSS")
    except OSError:
        before = None
    seconds, _ = timed(function)
    grown = 0.0 if before is None else max(0, memory_kb(os.getpid(), "VmHWM") - before) / MB
    return seconds, grown


def traced_peak(function: Callable[[], object]) -> float:
    """Peak MB of Python allocations during a second call (tracemalloc slows it: not timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
