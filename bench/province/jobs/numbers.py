"""Figure 7 of the job and service figures: certificate-number allocation by 8 registrant
processes at once on one prefix (``cert_no.concurrent8``), checked distinct and consecutive,
beside one process allocating alone. The allocations commit: the prefix's counter advances."""

import multiprocessing
import time

from django.db import connection, connections

from accounts.models import CertificateCounter, Person
from accounts.services.certificate_numbers import cert_no_allocate
from orgtree.models import Org

from ..report import Figure, Report, timed
from .common import failed, round_trip_ms

WORKERS = 8
ALLOCATIONS = 100  # per process


def _allocator(prefix: str, count: int, barrier, queue) -> None:
    """One registrant process: connects, waits for the others, allocates ``count`` numbers."""
    try:
        connection.ensure_connection()
        barrier.wait(timeout=60)
        numbers = [cert_no_allocate(region_code=prefix) for _ in range(count)]
        queue.put({"numbers": numbers})
    except Exception as exc:  # reported by the parent as a failure
        queue.put({"error": repr(exc)})
    finally:
        connection.close()


def _counter_value(prefix: str) -> int:
    value = CertificateCounter.objects.filter(prefix=prefix).values_list("last_serial", flat=True)
    return value[0] if value else 0


def measure_cert_numbers(report: Report, handles: dict, write) -> None:
    write("证书管理号并发分配 / certificate numbers, 8 concurrent ...")
    name = f"cert_no.concurrent{WORKERS}"
    budget = "全部不重复且连续"
    processes = []
    try:
        if connection.in_atomic_block:
            raise RuntimeError("must run outside a transaction: allocations commit")
        unit = Org.objects.get(pk=handles["admins"]["unit"]["org_id"])
        prefix = unit.region_id
        ping = round_trip_ms()
        single, _ = timed(
            lambda: [cert_no_allocate(region_code=prefix) for _ in range(ALLOCATIONS)]
        )
        before = _counter_value(prefix)
        connections.close_all()  # every child opens its own connection
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(WORKERS + 1)
        queue = context.Queue()
        processes = [
            context.Process(target=_allocator, args=(prefix, ALLOCATIONS, barrier, queue))
            for _ in range(WORKERS)
        ]
        for process in processes:
            process.start()
        barrier.wait(timeout=60)
        start = time.perf_counter()
        results = [queue.get(timeout=600) for _ in processes]
        seconds = time.perf_counter() - start
        errors = [result["error"] for result in results if "error" in result]
        if errors:
            raise RuntimeError("; ".join(errors))
        numbers = [number for result in results for number in result["numbers"]]
        after = _counter_value(prefix)
    except Exception as exc:
        failed(report, write, name, "alloc/s", budget, exc)
        return
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():  # stuck on a broken start line: ours to stop
                process.terminate()
    serials = sorted(int(number[len(prefix) :]) for number in numbers)
    span = [f"{prefix}{serial:07d}" for serial in range(before + 1, after + 1)]
    held = set(
        Person.objects.filter(cert_no__in=span)
        .exclude(cert_no__in=numbers)
        .values_list("cert_no", flat=True)
    )
    expected = [int(number[len(prefix) :]) for number in span if number not in held]
    distinct = len(set(numbers)) == len(numbers) == WORKERS * ALLOCATIONS
    consecutive = serials == expected and all(n.startswith(prefix) for n in numbers)
    report.add(
        Figure(
            name,
            len(numbers) / seconds,
            "alloc/s",
            budget,
            distinct and consecutive,
            reference=f"单进程 {ALLOCATIONS / single:,.0f} 个/秒；SELECT 1 {ping:.2f} ms",
            note=(
                f"{WORKERS} 个进程各分配 {ALLOCATIONS} 个，前缀 {prefix}（一行计数器），"
                f"{len(numbers):,} 个号码 {before + 1}-{after}，"
                f"{'不重复' if distinct else '有重复'}，{'连续' if consecutive else '不连续'}"
                + (f"，跳过已占用 {len(held)} 个" if held else "")
            ),
        )
    )
