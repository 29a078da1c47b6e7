"""Daily seeds of the commit–reveal draws (DIST-11) in the service's table.

Item ``pk = SEMENTE#<day>``, ``sk = SEMENTE`` (gsi1 ``SEMENTES`` / day, to list commitments). A day's
seed is created once — on first use, or ahead of time by :meth:`SeedStore.ensure` — with
``attribute_not_exists``, so two containers racing on the first draw of a day agree on one seed. The
store caches seeds in memory: a warm container reads a day's seed once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from threading import Lock

from chalicelib.distribuicao.adapters.dynamodb import audit, commit
from chalicelib.distribuicao.domain.randomness import DailySeed, new_seed
from chalicelib.distribuicao.ports import Act, PublishedSeed
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError

from courtlib import clock
from courtlib.messaging.outbox import UnitOfWork
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

SEED_PREFIX = "SEMENTE#"
SK_SEED = "SEMENTE"
SEEDS_INDEX_PK = "SEMENTES"


class SeedItem(TableItem):
    seed = UnicodeAttribute()
    commitment = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class SeedStore:
    """Seeds by day: secret until the day is over (the HTTP layer reveals only days before today)."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self.model = bind(SeedItem, settings)
        self._cache: dict[date, DailySeed] = {}
        self._lock = Lock()

    def seed_for(self, day: date) -> DailySeed:
        """The seed of ``day``, created if nobody used that day before."""
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        with self._lock:  # one creation attempt per container and day
            cached = self._cache.get(day)
            if cached is None:
                cached = self._read(day) or self._create(day)
                self._cache[day] = cached
            return cached

    def ensure(self, days: Iterable[date]) -> None:
        """Creates the seeds of ``days`` in advance, so their commitments are public before they start."""
        for day in days:
            self.seed_for(day)

    def publish(self, days: Iterable[date], act: Callable[[Mapping[date, str]], Act]) -> dict[date, str]:
        """Creates the missing seeds of ``days`` in one transaction with ``act(commitments created)``; answers the
        commitments created (none: nothing is written). A seed created meanwhile by a draw fails the transaction
        (:class:`WriteConflict`): the caller retries and finds it."""
        missing = [day for day in sorted(set(days)) if self._cache.get(day) is None and self._read(day) is None]
        if not missing:
            return {}
        created = {day: new_seed(day) for day in missing}
        uow = UnitOfWork(self._settings)
        for seed in created.values():
            uow.save(self._item(seed), condition=self.model.pk.does_not_exist())
        audit(uow, act({day: seed.commitment for day, seed in created.items()}))
        commit(uow)
        with self._lock:
            self._cache.update(created)
        return {day: seed.commitment for day, seed in created.items()}

    def _item(self, seed: DailySeed) -> SeedItem:
        day = seed.day
        return self.model(pk=f"{SEED_PREFIX}{day.isoformat()}", sk=SK_SEED, gsi1pk=SEEDS_INDEX_PK,
                          gsi1sk=day.isoformat(), seed=seed.hex, commitment=seed.commitment, created_at=clock.now())

    def _read(self, day: date) -> DailySeed | None:
        try:
            item = self.model.get(f"{SEED_PREFIX}{day.isoformat()}", SK_SEED, consistent_read=True)
        except self.model.DoesNotExist:
            return None
        return DailySeed.from_hex(day, item.seed)

    def _create(self, day: date) -> DailySeed:
        seed = new_seed(day)
        item = self._item(seed)
        try:
            item.save(condition=self.model.pk.does_not_exist())
        except PutError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
            existing = self._read(day)  # another container created it first: use that one
            if existing is None:
                raise
            return existing
        return seed

    def published(self, start: date, end: date) -> list[PublishedSeed]:
        """Seeds of the days in ``start..end`` with their commitments (one index Query); the caller reveals
        only the seeds of days that are over."""
        items = self.model.by_gsi1.query(SEEDS_INDEX_PK, self.model.gsi1sk.between(start.isoformat(), end.isoformat()))
        return sorted((PublishedSeed(date.fromisoformat(item.gsi1sk), item.commitment, item.seed) for item in items),
                      key=lambda p: p.day)
