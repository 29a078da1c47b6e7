"""Daily seeds of the commit–reveal draws (DIST-11) in the service's table.

Item ``pk = SEMENTE#<day>``, ``sk = SEMENTE`` (gsi1 ``SEMENTES`` / day, to list commitments). A day's
seed is created once — on first use, or ahead of time by :meth:`SeedStore.ensure` — with
``attribute_not_exists``, so two containers racing on the first draw of a day agree on one seed. The
store caches seeds in memory: a warm container reads a day's seed once.

The seed is **sealed at rest** (issue 16): KMS envelope encryption (:mod:`courtlib.auth.sealing`) with the
encryption context ``{"servico": "distribuicao", "semente": <day>}``, so the table alone — a dump, a DBA, a
leaked read credential — does not give the day's seed; only a role allowed to decrypt with the key opens it:
the draw (once per process and day, then cached in memory) and the reveal of past days. Each opening is an
audited act, ``DIST.SEMENTE.ABRIR`` on ``("semente", <day>)``, by whoever the entry point says acts (the draw's
requester, a schedule; the service itself, ``sistema:distribuicao:semente``, when no entry point set one): at most
once per process and day, as the opened seed is cached; if the record cannot be written the seed is not used.
Items written before sealing keep their plaintext ``seed`` and are read as they are. The commitment stays in the
clear (it is public).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from threading import Lock

from chalicelib.distribuicao.adapters.dynamodb import audit, commit
from chalicelib.distribuicao.domain.randomness import DailySeed, new_seed, seed_matches
from chalicelib.distribuicao.ports import Act, PublishedSeed
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError

from courtlib import clock
from courtlib.audit.actor import acting_as, current_or_none
from courtlib.audit.record import Actor
from courtlib.auth.sealing import KmsSealer, Sealed
from courtlib.messaging.outbox import UnitOfWork
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

SEED_PREFIX = "SEMENTE#"
SK_SEED = "SEMENTE"
SEEDS_INDEX_PK = "SEMENTES"
OPENED = "DIST.SEMENTE.ABRIR"  # the audited act of opening a sealed seed


class SeedItem(TableItem):
    seed = UnicodeAttribute(null=True)  # only on items written before the seeds were sealed
    sealed_key = UnicodeAttribute(null=True)  # the data key as KMS encrypted it
    sealed_seed = UnicodeAttribute(null=True)  # nonce ‖ AES-GCM(seed hex)
    commitment = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


def seal_context(day: date) -> dict[str, str]:
    """What a sealed seed is bound to: copied onto another day's item, it no longer opens."""
    return {"servico": "distribuicao", "semente": day.isoformat()}


def seeds_key(settings: ServiceSettings) -> str | None:
    """The KMS key that seals the seeds: distribuicao's own (``seeds_kms_key_arn``). A stack deployed before that
    key existed has only the partner secrets' key: new seeds are then sealed with it, as they were (KMS Decrypt
    finds the key in the ciphertext, so seeds sealed with either open)."""
    return getattr(settings, "seeds_kms_key_arn", None) or settings.partner_keys_kms_key


class SeedStore:
    """Seeds by day: secret until the day is over (the HTTP layer reveals only days before today)."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self.model = bind(SeedItem, settings)
        self.sealer = KmsSealer(seeds_key(settings), settings.region, settings.endpoint_url)
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
        missing = [day for day in sorted(set(days)) if self._cache.get(day) is None and self._stored(day) is None]
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
        """The item of a new seed: sealed, with its commitment in the clear."""
        day = seed.day
        sealed = self.sealer.seal(seed.hex, seal_context(day))
        return self.model(pk=f"{SEED_PREFIX}{day.isoformat()}", sk=SK_SEED, gsi1pk=SEEDS_INDEX_PK,
                          gsi1sk=day.isoformat(), sealed_key=sealed.data_key, sealed_seed=sealed.ciphertext,
                          commitment=seed.commitment, created_at=clock.now())

    def _stored(self, day: date) -> SeedItem | None:
        try:
            return self.model.get(f"{SEED_PREFIX}{day.isoformat()}", SK_SEED, consistent_read=True)
        except self.model.DoesNotExist:
            return None

    def _read(self, day: date) -> DailySeed | None:
        item = self._stored(day)
        return None if item is None else self._opened(day, item)

    def _opened(self, day: date, item: SeedItem) -> DailySeed:
        """The seed of ``item``, opened by KMS when sealed, and checked against its own commitment."""
        if item.sealed_seed is None or item.sealed_key is None:
            return DailySeed.from_hex(day, item.seed or "")
        seed = DailySeed.from_hex(day, self.sealer.open(Sealed(item.sealed_key, item.sealed_seed), seal_context(day)))
        if not seed_matches(seed.seed, item.commitment):
            raise ValueError(f"a semente selada do dia {day.isoformat()} não confere com o seu compromisso")
        self._audit_opening(day)
        return seed

    def _audit_opening(self, day: date) -> None:
        if current_or_none() is None:
            with acting_as(Actor.system("distribuicao:semente")):
                self._audit_opening(day)
            return
        uow = UnitOfWork(self._settings)
        uow.audit(OPENED, ("semente", day.isoformat()), rules=["DIST-11"])
        uow.commit()

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

    def published(self, start: date, end: date, reveal_before: date | None = None) -> list[PublishedSeed]:
        """Seeds of the days in ``start..end`` with their commitments (one index Query); only the seeds of days
        before ``reveal_before`` are opened (the others come with an empty ``seed_hex``)."""
        items = self.model.by_gsi1.query(SEEDS_INDEX_PK, self.model.gsi1sk.between(start.isoformat(), end.isoformat()))
        out = []
        for item in items:
            day = date.fromisoformat(item.gsi1sk)
            revealed = reveal_before is not None and day < reveal_before
            out.append(PublishedSeed(day, item.commitment, self._revealed(day, item).hex if revealed else ""))
        return sorted(out, key=lambda p: p.day)

    def _revealed(self, day: date, item: SeedItem) -> DailySeed:
        cached = self._cache.get(day)
        if cached is None:
            cached = self._cache[day] = self._opened(day, item)
        return cached
