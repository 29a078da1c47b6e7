"""PynamoDB storage of cartas precatórias (DIST-10) in distribuicao-svc's table.

Items (pk / sk: what it holds):

- ``ZONAS#<municipio>`` / ``CABECA``: the zones (``data``, JSON), counters and log head of a municipality
  (``seq``, ``head_hash``, ``counters``, ``version``);
- ``ELEICOES`` / ``<YYYY-MM-DD>``: an election day; ``data`` lists the zones designated for propaganda;
- ``LOG#ZONAS-<municipio>`` / ``<seq>``: a draw record, the same :class:`DrawRecordItem` as the órgãos' logs
  (exported and verified alike);
- ``ZONAS#<municipio>`` / ``PENDENTE#<order, 10 digits>``: a carta awaiting its beacon round
  (:class:`PendingCarta` JSON; gsi1 ``PRECATORIAS#PENDENTES`` / ``<municipio>#<order>``, for the schedule);
- ``PRECATORIA#<parceiro>#<id_origem>`` / ``REGISTRO``: the same, under the partner's id, until it is drawn;
- ``PRECATORIA#<parceiro>#<id_origem>`` / ``PRECATORIA``: a carta; gsi1 ``PARCEIRO#<parceiro>#PRECATORIAS`` /
  received-at, gsi2 ``PRECATORIA#<20 digits>``.

A carta has two moments (issue 16), each one consistent Query of the municipality's partition (head and queue)
and one TransactWriteItems. Registration: the ``REGISTRO`` (only if absent), a check that the carta row is
absent, the ``PENDENTE#`` item and the head's ``queued`` (conditioned on the version and the queue read).
Resolution: the carta row (``attribute_not_exists``: one (partner, id_origem) is distributed once), the record,
the head conditioned on the ``seq``, ``version`` and queue read, and the deletion of both queue items.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from chalicelib.distribuicao.adapters.dynamodb import (
    SK_PENDING,
    SK_REGISTRATION,
    DrawRecordItem,
    OrgaoItem,
    RegistrationItem,
    _dumps,
    audit,
    commit,
    same_queue,
    seq_key,
    stage_draw,
)
from chalicelib.distribuicao.domain.draw import Decision
from chalicelib.distribuicao.domain.equality import Counters
from chalicelib.distribuicao.domain.log import GENESIS_HASH, CaseDetails, LogHead
from chalicelib.distribuicao.domain.precatorias import Election, Zone, ZoneState, log_id_of
from chalicelib.distribuicao.ports import Act, ActPending, CartaExists, PendingCarta, StoredCarta, StoredZones
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from courtlib import clock
from courtlib.errors import WriteConflict
from courtlib.messaging.outbox import UnitOfWork
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

ZONES_PREFIX = "ZONAS#"
ELECTIONS_PK = "ELEICOES"
CARTA_PREFIX = "PRECATORIA#"
SK_HEAD = "CABECA"
SK_CARTA = "PRECATORIA"
PENDING_INDEX_PK = "PRECATORIAS#PENDENTES"


class CartaItem(TableItem):
    partner = UnicodeAttribute()
    origin_id = UnicodeAttribute()
    number = UnicodeAttribute()
    municipality = UnicodeAttribute()
    kind = UnicodeAttribute()
    secret = BooleanAttribute(default=False)
    details = UnicodeAttribute()
    zone = UnicodeAttribute()
    distributor = UnicodeAttribute()
    log_id = UnicodeAttribute()
    seq = NumberAttribute()
    rule = UnicodeAttribute()
    mode = UnicodeAttribute()
    record_hash = UnicodeAttribute()
    received_at = UnicodeAttribute()


def _zone_to_dict(zone: Zone) -> dict[str, Any]:
    return {"id": zone.id, "numero": zone.number, "municipios": sorted(zone.municipalities),
            "instalada_em": None if zone.installed_on is None else zone.installed_on.isoformat()}


def _zone_from_dict(data: dict[str, Any]) -> Zone:
    installed = data.get("instalada_em")
    return Zone(data["id"], int(data["numero"]), frozenset(data["municipios"]),
                None if installed is None else date.fromisoformat(installed))


class PrecatoriaRepository:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.head_model = bind(OrgaoItem, settings)
        self.record_model = bind(DrawRecordItem, settings)
        self.carta_model = bind(CartaItem, settings)
        self.registration_model = bind(RegistrationItem, settings)

    # zones and elections ---------------------------------------------------------------------------

    def load_zones(self, municipality: str) -> StoredZones | None:
        """The head and the queue of a municipality in one consistent Query (None if it has no zones)."""
        item: OrgaoItem | None = None
        queue: list[PendingCarta] = []
        for row in self.head_model.query(f"{ZONES_PREFIX}{municipality}", consistent_read=True):
            if row.sk == SK_HEAD:
                item = row
            elif row.sk.startswith(SK_PENDING):
                queue.append(PendingCarta.from_dict(json.loads(row.data or "{}")))
        if item is None:
            return None
        zones = tuple(_zone_from_dict(z) for z in json.loads(item.data or "[]"))
        state = ZoneState(log_id=log_id_of(municipality), municipality=municipality, zones=zones,
                          counters=Counters(json.loads(item.counters or "{}")),
                          head=LogHead(int(item.seq or 0), item.head_hash or GENESIS_HASH))
        return StoredZones(state, int(item.version or 0), tuple(sorted(queue, key=lambda p: p.order)),
                           int(item.queued or 0))

    def save_zones(self, municipality: str, zones: Sequence[Zone], existing: StoredZones | None, *,
                   act: Act) -> None:
        """Replaces the zones of a municipality (counts and log stay); :class:`WriteConflict` on a concurrent change."""
        model = self.head_model
        now = clock.now()
        data = _dumps([_zone_to_dict(z) for z in zones])
        uow = UnitOfWork(self.settings)
        if existing is None:
            uow.save(model(pk=f"{ZONES_PREFIX}{municipality}", sk=SK_HEAD, kind="zonas", data=data, seq=0,
                           head_hash=GENESIS_HASH, counters="{}", version=1, updated_at=now),
                     condition=model.pk.does_not_exist())
        else:
            uow.update(model(pk=f"{ZONES_PREFIX}{municipality}", sk=SK_HEAD, kind="zonas"),
                       actions=[model.data.set(data), model.version.add(1), model.updated_at.set(now)],
                       condition=(model.version == existing.version) & same_queue(model, existing.queued))
        audit(uow, act)
        self._commit(uow)

    def save_election(self, election: Election, *, act: Act) -> None:
        uow = UnitOfWork(self.settings)
        uow.save(self.head_model(pk=ELECTIONS_PK, sk=election.day.isoformat(), kind="eleicao",
                                 data=_dumps(sorted(election.propaganda_zones)), updated_at=clock.now()))
        audit(uow, act)
        self._commit(uow)

    def election(self, day: date) -> Election | None:
        try:
            item = self.head_model.get(ELECTIONS_PK, day.isoformat(), consistent_read=True)
        except self.head_model.DoesNotExist:
            return None
        return Election(day, frozenset(json.loads(item.data or "[]")))

    def elections(self) -> list[Election]:
        return [Election(date.fromisoformat(item.sk), frozenset(json.loads(item.data or "[]")))
                for item in self.head_model.query(ELECTIONS_PK, consistent_read=True)]

    # cartas ----------------------------------------------------------------------------------------

    def commit_carta(self, stored: StoredZones, decision: Decision, *, partner: str, origin_id: str,
                     kind: str, secret: bool, act: Act, resolves: PendingCarta | None = None) -> StoredCarta:
        if decision.expected_head != stored.state.head or (resolves is None and stored.queue):
            raise WriteConflict()
        record = decision.record
        assert decision.details is not None
        now = clock.now()
        carta = StoredCarta(
            partner=partner, origin_id=origin_id, number=record.case_number, municipality=stored.state.municipality,
            kind=kind, secret=secret, details=decision.details, zone=decision.unit,
            distributor=record.distributor or "", log_id=record.log, seq=record.seq,
            rule=record.rule, mode=record.mode, record_hash=record.hash, received_at=record.recorded_at,
        )
        uow = UnitOfWork(self.settings)
        uow.save(self._carta_item(carta), condition=self.carta_model.pk.does_not_exist())
        stage_draw(uow, self.record_model, self.head_model, head_pk=f"{ZONES_PREFIX}{stored.state.municipality}",
                   kind="zonas", decision=decision, counters=stored.state.counters,
                   read_seq=stored.state.head.seq, read_version=stored.version, now=now, read_queued=stored.queued)
        if resolves is not None:
            self._stage_unqueue(uow, resolves)
        audit(uow, act)
        # resolving a queued carta, the carta row can only exist because another resolver drew it: read again
        commit(uow, first_exists=CartaExists if resolves is None else None)
        return carta

    # cartas awaiting their beacon round (issue 16) ----------------------------------------------------

    def register_carta(self, stored: StoredZones, pending: PendingCarta, *, act: Act) -> None:
        """Queues ``pending`` (see the module docstring): ActPending, CartaExists or WriteConflict."""
        data = _dumps(pending.to_dict())
        pk = f"{ZONES_PREFIX}{pending.municipality}"
        now = clock.now()
        uow = UnitOfWork(self.settings)
        reg = self.registration_model
        uow.save(reg(pk=_carta_pk(pending.partner, pending.origin_id), sk=SK_REGISTRATION, data=data),
                 condition=reg.pk.does_not_exist())
        carta = self.carta_model
        uow.condition_check(carta, _carta_pk(pending.partner, pending.origin_id), SK_CARTA, carta.pk.does_not_exist())
        model = self.head_model
        uow.save(model(pk=pk, sk=f"{SK_PENDING}{seq_key(pending.order)}", kind="pendente", data=data, updated_at=now,
                       gsi1pk=PENDING_INDEX_PK, gsi1sk=f"{pending.municipality}#{seq_key(pending.order)}"),
                 condition=model.pk.does_not_exist())
        uow.update(model(pk=pk, sk=SK_HEAD, kind="zonas"),
                   actions=[model.queued.set(pending.order), model.updated_at.set(now)],
                   condition=(model.version == stored.version) & same_queue(model, stored.queued))
        audit(uow, act)
        try:
            commit(uow)
        except WriteConflict as error:
            index = getattr(error.__cause__, "index", None)
            if index == 0:
                raise ActPending() from error
            if index == 1:
                raise CartaExists() from error
            raise

    def drop_pending_carta(self, stored: StoredZones, pending: PendingCarta, *, act: Act) -> None:
        model = self.head_model
        uow = UnitOfWork(self.settings)
        self._stage_unqueue(uow, pending)
        uow.update(model(pk=f"{ZONES_PREFIX}{stored.state.municipality}", sk=SK_HEAD, kind="zonas"),
                   actions=[model.version.add(1), model.updated_at.set(clock.now())],
                   condition=(model.version == stored.version) & same_queue(model, stored.queued))
        audit(uow, act)
        commit(uow)

    def pending_carta(self, partner: str, origin_id: str) -> PendingCarta | None:
        try:
            item = self.registration_model.get(_carta_pk(partner, origin_id), SK_REGISTRATION, consistent_read=True)
        except self.registration_model.DoesNotExist:
            return None
        return PendingCarta.from_dict(json.loads(item.data))

    def municipalities_with_queue(self) -> list[str]:
        """From gsi1 (eventually consistent: a carta queued a moment ago is found by the next run)."""
        return sorted({item.gsi1sk.split("#")[0] for item in self.head_model.by_gsi1.query(PENDING_INDEX_PK)
                       if item.gsi1sk})

    def _stage_unqueue(self, uow: UnitOfWork, pending: PendingCarta) -> None:
        model = self.head_model
        uow.delete(model(pk=f"{ZONES_PREFIX}{pending.municipality}", sk=f"{SK_PENDING}{seq_key(pending.order)}"),
                   condition=model.pk.exists())
        reg = self.registration_model
        uow.delete(reg(pk=_carta_pk(pending.partner, pending.origin_id), sk=SK_REGISTRATION),
                   condition=reg.pk.exists())

    def get_carta(self, partner: str, origin_id: str) -> StoredCarta | None:
        try:
            item = self.carta_model.get(_carta_pk(partner, origin_id), SK_CARTA, consistent_read=True)
        except self.carta_model.DoesNotExist:
            return None
        return _carta_from_item(item)

    def list_cartas(self, partner: str, limit: int, start: dict[str, Any] | None
                    ) -> tuple[list[StoredCarta], dict[str, Any] | None]:
        result = self.carta_model.by_gsi1.query(f"PARCEIRO#{partner}#PRECATORIAS", limit=limit,
                                                last_evaluated_key=start)
        items = [_carta_from_item(i) for i in result]
        return items, result.last_evaluated_key

    def cartas_by_number(self, digits: str) -> list[StoredCarta]:
        return [_carta_from_item(i) for i in self.carta_model.by_gsi2.query(f"{CARTA_PREFIX}{digits}")]

    def _carta_item(self, carta: StoredCarta) -> CartaItem:
        digits = "".join(c for c in carta.number if c.isdigit())
        return self.carta_model(
            pk=_carta_pk(carta.partner, carta.origin_id), sk=SK_CARTA,
            gsi1pk=f"PARCEIRO#{carta.partner}#PRECATORIAS", gsi1sk=f"{carta.received_at}#{carta.origin_id}",
            gsi2pk=f"{CARTA_PREFIX}{digits}", gsi2sk=f"{carta.received_at}#{carta.partner}#{carta.origin_id}",
            partner=carta.partner, origin_id=carta.origin_id, number=carta.number, municipality=carta.municipality,
            kind=carta.kind, secret=carta.secret, details=_dumps(carta.details.to_dict()), zone=carta.zone,
            distributor=carta.distributor, log_id=carta.log_id, seq=carta.seq, rule=carta.rule, mode=carta.mode,
            record_hash=carta.record_hash, received_at=carta.received_at,
        )

    @staticmethod
    def _commit(uow: UnitOfWork) -> None:
        commit(uow)


def _carta_pk(partner: str, origin_id: str) -> str:
    return f"{CARTA_PREFIX}{partner}#{origin_id}"


def _carta_from_item(item: CartaItem) -> StoredCarta:
    return StoredCarta(
        partner=item.partner, origin_id=item.origin_id, number=item.number, municipality=item.municipality,
        kind=item.kind, secret=bool(item.secret), details=CaseDetails.from_dict(json.loads(item.details)),
        zone=item.zone, distributor=item.distributor, log_id=item.log_id, seq=int(item.seq), rule=item.rule,
        mode=item.mode, record_hash=item.record_hash, received_at=item.received_at,
    )
