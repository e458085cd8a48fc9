"""Structured logs: one JSON object a line, with nothing personal in it.

Our own log calls carry ids and error types only. What could still leak is kept out here:
libraries that log request payloads (python-telegram-bot at DEBUG logs message texts and chat
ids; httpx logs URLs holding the bot token) are held at INFO/WARNING, any token-shaped string
is masked, and an exception is logged as its type and frames, never its message (a database
error's message can quote the values it was given).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone

TOKEN = re.compile(r"(?<!\d)\d{3,}:[A-Za-z0-9_-]{20,}")
# Loggers that would print payloads or URLs below these levels.
QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "telegram": logging.INFO,
         "apscheduler": logging.INFO, "aiohttp.access": logging.WARNING, "hpack": logging.WARNING}


def mask(text: str) -> str:
    return TOKEN.sub("<token>", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": mask(record.getMessage())}
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["error"] = type(error).__name__
            frames, tb = [], error.__traceback__
            while tb is not None:
                frames.append(f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}")
                tb = tb.tb_next
            entry["where"] = frames[-5:]
        return json.dumps(entry, ensure_ascii=False)


def crash_line(error: BaseException, where: str = "heard") -> str:
    """One JSON log line for an error nothing else caught: its type and frames, never its message."""
    record = logging.LogRecord(where, logging.CRITICAL, __file__, 0, "stopped by an unexpected %s",
                               (type(error).__name__,), (type(error), error, error.__traceback__))
    return JsonFormatter().format(record)


def configure(level: int = logging.INFO, stream=None) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) as JSON lines; quiet the chatty libraries."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(level, floor))
    return handler
