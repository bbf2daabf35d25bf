"""Throughput of pages served the way production serves them: gunicorn (sync workers, one per
core) in front of the portal, loaded by client processes over HTTP on this machine.

A page's throughput is compared with a bare Django view behind the same middleware and server
(``bench.urls``), so the figure says what the page costs beyond Django itself, whatever
the machine. Rounds alternate between the paths so that drift in the machine's load hits both.
"""

import http.client
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from .urls import BARE_PATH

# One path, or several that each client process cycles through (a page that caches per
# object is then measured over many objects, not one hot cache entry).
Paths = str | tuple[str, ...]


@dataclass
class PathFigures:
    path: Paths
    rates: list[float]  # requests a second, one per round
    failures: int

    @property
    def median(self) -> float:
        return statistics.median(self.rates) if self.rates else 0.0


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's or Celery's workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        # The command name, in parentheses, may hold spaces: the parent pid follows the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def memory_kb(pid: int, field: str = "VmHWM") -> int:
    """A memory figure of ``pid`` in kB from /proc/<pid>/status: VmHWM is the peak resident
    set since the process started, VmRSS the current one; 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on 127.0.0.1 with the bench settings; ``env`` adds to the environment."""

    def __init__(self, *, workers: int, env: dict[str, str]):
        self.port = _free_port()
        self.workers = workers
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **env}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            try:
                if fetch(self.port, BARE_PATH)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def worker_pids(self) -> list[int]:
        """The pids of gunicorn's worker processes (the master's children)."""
        return child_pids(self.process.pid) if self.process else []

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _client(port: int, path: Paths, seconds: float, start: float, results, offset: int) -> None:
    paths = [path] if isinstance(path, str) else list(path)
    while time.time() < start:
        time.sleep(0.001)
    done = failed = 0
    end = start + seconds
    while time.time() < end:
        try:
            status, _ = fetch(port, paths[(offset + done + failed) % len(paths)])
        except OSError:
            status = 0
        if status == 200:
            done += 1
        else:
            failed += 1
    results.put((done, failed))


def load(port: int, path: Paths, *, clients: int, seconds: float) -> tuple[float, int]:
    """Requests a second answered 200 by ``clients`` processes hammering ``path`` (cycling
    through several, each client from its own place), and the number of other answers."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start = time.time() + 0.3  # all clients begin together
    spread = 1 if isinstance(path, str) else max(1, len(path) // clients)
    processes = [
        context.Process(target=_client, args=(port, path, seconds, start, results, number * spread))
        for number in range(clients)
    ]
    for process in processes:
        process.start()
    totals = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return sum(done for done, _ in totals) / seconds, sum(failed for _, failed in totals)


def compare(
    paths: list[Paths],
    *,
    workers: int,
    clients: int,
    seconds: float,
    rounds: int,
    env: dict[str, str],
    inspect: Callable[[Server], None] | None = None,
) -> list[PathFigures]:
    """Throughput of the bare view and of ``paths``, ``rounds`` alternating rounds each;
    ``inspect`` sees the server after the last round, before it stops (its workers' memory)."""
    connections.close_all()  # the client processes are forked: they must not share one
    figures = [PathFigures(path, [], 0) for path in [BARE_PATH, *paths]]
    with Server(workers=workers, env=env) as server:
        for figure in figures:  # warm up: imports, template and connection caches
            load(server.port, figure.path, clients=clients, seconds=1)
        for _ in range(rounds):
            for figure in figures:
                rate, failed = load(server.port, figure.path, clients=clients, seconds=seconds)
                figure.rates.append(rate)
                figure.failures += failed
        if inspect is not None:
            inspect(server)
    return figures
