"""pyHanko's signing and validation are coroutines, and its synchronous wrappers call
``asyncio.run``, which fails in a thread whose event loop is running (Playwright's tests render
certificates on such a thread; an ASGI server would too). ``run`` uses ``asyncio.run`` where it
may and a short-lived thread where it may not."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coroutine):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
