"""How much each worker figure does (FULL to measure, QUICK to check the machinery) and the
processes it runs on, as production runs them."""

from dataclasses import dataclass

WEB_WORKERS = 2
CELERY_PROCESSES = 2


@dataclass(frozen=True)
class Plan:
    codes: int  # verification codes the clients cycle through
    clients: int
    seconds: float
    rounds: int
    renders: int
    reference_rounds: int
    batch: int  # people in the batch print


FULL = Plan(
    codes=100, clients=4, seconds=3.0, rounds=3, renders=200, reference_rounds=30, batch=1000
)
# Checks the machinery only: numbers from it mean nothing.
QUICK = Plan(codes=5, clients=2, seconds=0.5, rounds=1, renders=10, reference_rounds=5, batch=20)
