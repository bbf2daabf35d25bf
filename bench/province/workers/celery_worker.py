"""The real Celery worker the batch print runs on: ``celery -A portal worker`` started on the
run's queues, its prefork processes found for their memory and CPU time, and stopped with its
children and queues at the end."""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from bench import http as bench_http
from portal.celery import app as celery_app

from ..process import database_env


class CeleryWorker:
    """``celery -A portal worker`` on the queues this process publishes to (the default one and
    the render queue, when that is another), with the portal's settings (as scripts/bench-verify.sh
    runs it), its prefork processes counted as production counts them. Stopped with its
    children on exit, and its queues removed from the broker."""

    def __init__(self, *, processes: int, write: Callable[[str], None]):
        self.processes = processes
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
        self.queues = list(dict.fromkeys([self.queue, settings.CELERY_RENDER_QUEUE]))
        self.write = write
        self.process: subprocess.Popen | None = None
        self.seen: set[int] = set()  # its children, known even after the master is gone
        self.log = Path(tempfile.mkstemp(prefix="bench-celery-", suffix=".log")[1])

    def __enter__(self) -> "CeleryWorker":
        if self.queue == "portal":
            self.write(
                "警告 / warning: CELERY_QUEUE is the default 'portal'; any other worker on it "
                "would take the benchmark's tasks (set CELERY_QUEUE=bench_workers_$$)"
            )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.base",
            "CELERY_QUEUE": self.queue,
            "CELERY_RENDER_QUEUE": settings.CELERY_RENDER_QUEUE,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **database_env(),
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("celery")),
                    # INFO: its "ready" line says when it consumes.
                    *f"-A portal worker -Q {','.join(self.queues)} -c {self.processes} -l INFO "
                    f"-n bench-workers-{os.getpid()}@%h "
                    "--without-gossip --without-mingle --without-heartbeat".split(),
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = self.log.read_text(errors="replace")
            if "ready" in text:
                self.pids()
                return self
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(
                    f"celery worker exited at start / 工作进程启动失败:\n{text[-2000:]}"
                )
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("celery worker not ready within 60 s / 工作进程 60 秒内未就绪")

    def pids(self) -> list[int]:
        """The prefork processes that run the tasks (the master's children)."""
        pids = bench_http.child_pids(self.process.pid) if self.process else []
        self.seen.update(pids)
        return pids

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def stop(self) -> None:
        children = self.seen.union(self.pids())
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown: the task in hand ends
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        for pid in children:  # a master that died first leaves its children running
            with contextlib.suppress(ProcessLookupError):
                if os.getpgid(pid) == self.process.pid:
                    os.kill(pid, signal.SIGKILL)
        self.log.unlink(missing_ok=True)
        # The run's queues, with any message left in them, are of no use to anyone now.
        # Declared first: the transport deletes only the bindings this connection knows of.
        with contextlib.suppress(Exception), celery_app.connection_for_write() as connection:
            for name in self.queues:
                queue = celery_app.amqp.queues[name](connection.default_channel)
                queue.declare()
                queue.delete()

    def __exit__(self, *exc) -> None:
        self.stop()
