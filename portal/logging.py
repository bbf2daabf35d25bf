"""Logging filters of the portal."""

import logging


class ExpectedDenialsOneLine(logging.Filter):
    """Writes an expected refusal (a 4xx: 403 out of scope, 404, 400) as one line.

    Django attaches the PermissionDenied's traceback to its "Forbidden" warning; during a
    tenancy sweep that was thousands of tracebacks burying the real errors. The line keeps the
    status, the path and the exception's message; 5xx records keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and status is not None and 400 <= status < 500:
            exc = record.exc_info[1]
            if exc is not None and str(exc):
                record.msg = f"{record.msg} ({type(exc).__name__}: %s)"
                record.args = (*(record.args or ()), str(exc)[:200])
            record.exc_info = None
            record.exc_text = None
        return True
