"""A client of drand's public HTTP relays: failover over several URLs, timeouts, verification, one retry.

    client = RelayClient(QUICKNET, ["https://relay-a", "https://relay-b"])
    round_ = client.fetch(4_200_000)      # a verified Round, or BeaconUnavailable

Each attempt asks the relays in turn for ``<url>/<chain hash>/public/<round>`` and returns the first answer
whose round verifies (:func:`courtlib.beacon.bls.verify`) — a relay that answers a forged or another
chain's round is passed over like one that is down. When every relay failed, the attempt failed; the
attempts are paced by tenacity (jittered exponential back-off) within ``max_wait_s``, and a round not yet
due is waited for until its publication time first. After the last attempt: :class:`BeaconUnavailable`.
The transport is injected (``Transport``), so tests run without a network.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, stop_after_delay
from tenacity.wait import wait_random_exponential

from courtlib import clock

from . import bls
from .chain import ChainInfo, Round
from .errors import BeaconError, BeaconUnavailable

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


class Transport(Protocol):
    def get(self, url: str, timeout_s: float) -> Response:
        """GET ``url``; a connection failure or a timeout raises ``OSError``."""


class UrllibTransport:
    """The standard library's HTTP client (no other dependency for a few small GETs)."""

    def get(self, url: str, timeout_s: float) -> Response:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as answer:
                return Response(answer.status, answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read() or b"")


class _AttemptFailed(Exception):
    """Every relay failed this attempt (the reasons are in ``failures``)."""

    def __init__(self, failures: list[str]) -> None:
        super().__init__("; ".join(failures))
        self.failures = failures


@dataclass(frozen=True)
class RelayConfig:
    """``urls``: the relays' base URLs, in order of preference; ``timeout_s`` per request; ``attempts`` over
    all relays, within ``max_wait_s`` in all."""

    urls: tuple[str, ...]
    timeout_s: float = 2.0
    attempts: int = 5
    max_wait_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.urls:
            raise BeaconError("configure ao menos um relay do farol")
        if self.timeout_s <= 0 or self.attempts < 1 or self.max_wait_s < 0:
            raise BeaconError("tempo limite, tentativas e espera máxima do farol devem ser positivos")


class RelayClient:
    def __init__(self, chain: ChainInfo, config: RelayConfig | Sequence[str], *,
                 transport: Transport | None = None, sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], datetime] = clock.now) -> None:
        self.chain = chain
        self.config = config if isinstance(config, RelayConfig) else RelayConfig(tuple(config))
        self.transport = transport or UrllibTransport()
        self._sleep = sleep
        self._now = now

    def fetch(self, number: int) -> Round:
        """Round ``number``, verified; waits for its publication time if it is due within ``max_wait_s``."""
        if number < 1:
            raise BeaconError("as rodadas começam em 1")
        due = (self.chain.round_time(number) - self._now()).total_seconds()
        if due > self.config.max_wait_s:
            raise BeaconUnavailable(f"a rodada {number} só será publicada em {due:.0f} s")
        if due > 0:
            self._sleep(due)
        return self._retrying(lambda: self._one_attempt(f"public/{number}", number))

    def latest(self) -> Round:
        """The latest round the relays have, verified."""
        return self._retrying(lambda: self._one_attempt("public/latest", None))

    def _retrying(self, attempt: Callable[[], Round]) -> Round:
        retrying = Retrying(
            stop=stop_after_attempt(self.config.attempts) | stop_after_delay(self.config.max_wait_s),
            wait=wait_random_exponential(multiplier=0.25, max=self.chain.period),
            retry=retry_if_exception_type(_AttemptFailed), sleep=self._sleep, reraise=False,
        )
        try:
            return retrying(attempt)
        except RetryError as error:
            last = error.last_attempt.exception()
            reasons = "; ".join(last.failures) if isinstance(last, _AttemptFailed) else str(last)
            raise BeaconUnavailable(f"nenhum relay do farol deu uma rodada válida: {reasons}") from None

    def _one_attempt(self, path: str, number: int | None) -> Round:
        failures = []
        for base in self.config.urls:
            url = f"{base.rstrip('/')}/{self.chain.hash_hex}/{path}"
            try:
                answer = self.transport.get(url, self.config.timeout_s)
            except OSError as error:
                failures.append(f"{base}: sem resposta ({error})")
                continue
            if answer.status != 200:
                failures.append(f"{base}: HTTP {answer.status}")
                continue
            try:
                round_ = Round.from_json(self.chain.hash, json.loads(answer.body))
            except (ValueError, TypeError) as error:  # BeaconError is a ValueError
                failures.append(f"{base}: resposta malformada ({error})")
                continue
            if number is not None and round_.number != number:
                failures.append(f"{base}: respondeu a rodada {round_.number} em vez da {number}")
                continue
            if not bls.verify(round_, self.chain):
                LOG.warning("beacon relay %s answered round %s with an invalid signature", base, round_.number)
                failures.append(f"{base}: assinatura inválida na rodada {round_.number}")
                continue
            return round_
        raise _AttemptFailed(failures)
