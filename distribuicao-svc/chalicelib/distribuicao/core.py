"""What every use case of distribuicao-svc stands on: its ports, its clock, the tribunal's numbers and the retry.

A use case reads, lets the pure domain decide and writes in one unit of work. When another writer commits in
between, the write is refused as a whole (:class:`~courtlib.errors.WriteConflict`) and the use case reads again
and decides again, up to ``max_attempts`` times with jittered exponential back-off
(:func:`courtlib.retry.retry_on_conflict`); then :class:`~courtlib.errors.Busy` (nothing written).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber, ForeignCnjError, parse_for_tribunal
from chalicelib.distribuicao.ports import Clock, OrgaoRepository, SeedStore, StoredCase, StoredOrgao

from courtlib.clock import TRIBUNAL_TZ
from courtlib.errors import NotFound, Refusal
from courtlib.retry import retry_on_conflict
from courtlib.settings import ServiceSettings

TZ = TRIBUNAL_TZ  # the tribunal's time zone (config ``timezone``)
MAX_ATTEMPTS = 10  # the first try and 9 retries: eight clients in one órgão rarely exhaust them
FOREIGN_CASE = "PROCESSO_DE_OUTRO_TRIBUNAL"
BUSY_DETAIL = ("Muitas distribuições simultâneas neste órgão: o órgão recebeu outras alterações ao mesmo tempo "
               "({attempts} tentativas). Tente de novo.")

T = TypeVar("T")


def cnj_refusal(error: CnjError, field: str) -> Refusal:
    """DIST-01: a refused number names the part at fault under the input ``field``; another court's valid number
    is never called invalid."""
    if isinstance(error, ForeignCnjError):
        return Refusal(FOREIGN_CASE, f"{error.number}: {error.detail}. Este tribunal distribui só os seus processos.",
                       field=field)
    return Refusal("DIST-01", f"Número de processo inválido: {error.detail}", field=f"{field}.{error.part.value}",
                   parte=error.part.value)


class CoreUseCases:
    """The ports, clock and retry shared by the órgãos' use cases (``service.py``) and the draws' (``draws.py``).

    ``sleep`` is the retry's pause (tests pass a no-op); ``max_attempts`` bounds the reads-and-decides of one call.
    """

    def __init__(self, repository: OrgaoRepository, seeds: SeedStore, *, clock: Clock,
                 config: DistribuicaoConfig, settings: ServiceSettings, max_attempts: int = MAX_ATTEMPTS,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.repository = repository
        self.seeds = seeds
        self.clock = clock
        self.config = config
        self.settings = settings
        self.max_attempts = max_attempts
        self.sleep = sleep

    def now(self) -> datetime:
        return self.clock().astimezone(TZ)

    def today(self) -> date:
        return self.now().date()

    def parse_number(self, text: str, field: str, *, lookup: bool = False) -> CnjNumber:
        """This tribunal's number in ``text`` (DIST-01, refused naming ``field``); on a lookup another court's
        valid number is a 404, never distributed here."""
        try:
            return parse_for_tribunal(text, self.config, latest_year=self.today().year)
        except ForeignCnjError as error:
            if lookup:
                raise NotFound(f"O processo {error.number} não foi distribuído neste tribunal.", field=field) from None
            raise cnj_refusal(error, field) from None
        except CnjError as error:
            raise cnj_refusal(error, field) from None

    def get_orgao(self, orgao_id: str) -> StoredOrgao:
        stored = self.repository.load_orgao(orgao_id)
        if stored is None:
            raise NotFound(f"Órgão julgador {orgao_id} não cadastrado.", field="orgao")
        return stored

    def case(self, number: CnjNumber) -> StoredCase:
        row = self.repository.get_case(number)
        if row is None:
            raise NotFound(f"Processo {number} não distribuído.", field="numero")
        return row

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Runs ``attempt`` again (fresh reads) while it meets a concurrent write, then :class:`Busy`."""
        return retry_on_conflict(attempts=self.max_attempts, sleep=self.sleep,
                                 busy_detail=BUSY_DETAIL.format(attempts=self.max_attempts))(attempt)()

