"""Where the local stack's logs go: the services' JSON logs to one file per service, the terminal stays short.

The four apps share one process and one Powertools logger, so a record does not say which app wrote
it. The thread does: an HTTP request, an event batch or a schedule runs on a thread that
:func:`acting_as` marks with its service for that time, and :class:`PerServiceFiles` writes the
record to ``<folder>/<service>.log`` (records from unmarked threads go to ``devstack.log``).
Errors are also echoed to the terminal on one line. The access log (:func:`access`) is one short
line per request: method, path, status and milliseconds.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

_current = threading.local()
access_log = logging.getLogger("devstack.acesso")


@contextmanager
def acting_as(service: str) -> Iterator[None]:
    """Marks the running thread as working for ``service`` (nests; restores the previous mark)."""
    previous = getattr(_current, "service", None)
    _current.service = service
    try:
        yield
    finally:
        _current.service = previous


def current_service() -> str | None:
    return getattr(_current, "service", None)


def access(method: str, path: str, status: int, milliseconds: float) -> None:
    access_log.info("%s %s %s %s %.0f ms", current_service() or "-", method, path, status, milliseconds)


class PerServiceFiles(logging.Handler):
    """Writes each record, formatted by ``formatter``, to the file of the service its thread works for."""

    def __init__(self, folder: Path, formatter: logging.Formatter | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, IO[str]] = {}
        self._files_lock = threading.Lock()
        if formatter is not None:
            self.setFormatter(formatter)

    def path(self, service: str) -> Path:
        return self.folder / f"{service}.log"

    def _file(self, service: str) -> IO[str]:
        with self._files_lock:
            if service not in self._files:
                self._files[service] = self.path(service).open("a", encoding="utf-8", buffering=1)
            return self._files[service]

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = self._file(current_service() or "devstack")
            with self.lock:  # type: ignore[union-attr]  # logging.Handler.__init__ creates it
                stream.write(line + "\n")
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        with self._files_lock:
            for stream in self._files.values():
                stream.close()
            self._files.clear()
        super().close()


class _ErrorEcho(logging.Handler):
    """An error of a service, on one line of the terminal (the whole record is in the service's file)."""

    def __init__(self, stream: IO[str], files: PerServiceFiles) -> None:
        super().__init__(logging.ERROR)
        self.stream, self.files = stream, files

    def emit(self, record: logging.LogRecord) -> None:
        service = current_service() or "devstack"
        self.stream.write(f"ERRO {service}: {record.getMessage()} (detalhes em {self.files.path(service)})\n")
        self.stream.flush()


def route_service_logs(folder: Path, logger_names: tuple[str, ...], terminal: IO[str] = sys.stderr,
                       ) -> PerServiceFiles:
    """Moves the handlers of the named loggers (Powertools' JSON to stdout) to per-service files.

    The JSON formatter of the first handler found is kept, so the files hold what CloudWatch would.
    """
    files: PerServiceFiles | None = None
    for name in logger_names:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                if files is None:
                    files = PerServiceFiles(folder, handler.formatter)
                logger.removeHandler(handler)
        if files is None:
            files = PerServiceFiles(folder)
        logger.addHandler(files)
        logger.addHandler(_ErrorEcho(terminal, files))
        logger.propagate = False
    assert files is not None
    return files
