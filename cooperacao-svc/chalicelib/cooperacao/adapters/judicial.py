"""PynamoDB storage of judicial cooperation (COOP-12; the :class:`~chalicelib.cooperacao.ports.JudicialRepository`
port) in the service's table: requests ``PEDIDOJ#<origem>#<id>`` and the public register ``ATO#<id>``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from chalicelib.cooperacao.adapters.store import Store
from chalicelib.cooperacao.ports import Audit, Cursor

from courtlib.errors import WriteConflict
from courtlib.messaging.outbox import ConditionFailed, UnitOfWork


class JudicialStore:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._model = store.model

    def _request_item(self, origin: str, origin_id: str, request: Mapping[str, Any], version: int) -> Any:
        received = request["recebido_em"]
        return self._store.item(f"PEDIDOJ#{origin}#{origin_id}", "PEDIDO", "pedido_judicial", dict(request),
                                gsi1pk=f"ORIGEM#{origin}#PEDIDOS", gsi1sk=f"{received}#{origin_id}",
                                gsi2pk="PEDIDOSJ", gsi2sk=f"{received}#{origin}#{origin_id}", version=version)

    def _act_item(self, act: Mapping[str, Any]) -> Any:
        return self._store.item(f"ATO#{act['id']}", "ATO", "ato", dict(act), gsi1pk="REGISTRO",
                                gsi1sk=f"{act['data']}#{act['id']}")

    def _commit(self, uow: UnitOfWork, audit: Audit) -> None:
        uow.audit(audit.act, audit.target, rules=audit.rules, before=audit.before, after=audit.after)
        try:
            uow.commit()
        except ConditionFailed as failed:
            raise WriteConflict(str(failed)) from failed

    # requests ------------------------------------------------------------------------------------

    def add_request(self, origin: str, origin_id: str, request: Mapping[str, Any], audit: Audit) -> None:
        uow = UnitOfWork(self._store.settings)
        uow.save(self._request_item(origin, origin_id, request, 1),
                 condition=self._model.pk.does_not_exist())
        self._commit(uow, audit)

    def request(self, origin: str, origin_id: str) -> tuple[dict[str, Any], int] | None:
        item = self._store.get(f"PEDIDOJ#{origin}#{origin_id}", "PEDIDO")
        return None if item is None else (json.loads(item.data), int(item.version or 1))

    def requests_of(self, origin: str, limit: int,
                    start: Cursor | None) -> tuple[list[dict[str, Any]], Cursor | None]:
        result = self._store.query_gsi1(f"ORIGEM#{origin}#PEDIDOS", limit=limit, start=start)
        return [json.loads(i.data) for i in result], result.last_evaluated_key

    def all_requests(self, limit: int, start: Cursor | None) -> tuple[list[dict[str, Any]], Cursor | None]:
        result = self._store.query_gsi2("PEDIDOSJ", limit=limit, start=start)
        return [json.loads(i.data) for i in result], result.last_evaluated_key

    def save_deliberation(self, origin: str, origin_id: str, request: Mapping[str, Any], read_version: int,
                          act: Mapping[str, Any] | None, audit: Audit) -> None:
        uow = UnitOfWork(self._store.settings)
        uow.save(self._request_item(origin, origin_id, request, read_version + 1),
                 condition=self._model.version == read_version)
        if act is not None:
            uow.save(self._act_item(act))
        self._commit(uow, audit)

    # register ------------------------------------------------------------------------------------

    def put_act(self, act: Mapping[str, Any], audit: Audit) -> None:
        uow = UnitOfWork(self._store.settings)
        uow.save(self._act_item(act))
        self._commit(uow, audit)

    def act(self, act_id: str) -> dict[str, Any] | None:
        return self._store.data(f"ATO#{act_id}", "ATO")

    def acts(self, year: int | None) -> Iterator[dict[str, Any]]:
        """One Query of the register's index, newest first (restricted to the year when given)."""
        condition = None if year is None else self._model.gsi1sk.startswith(f"{year:04d}-")
        for item in self._model.by_gsi1.query("REGISTRO", condition, scan_index_forward=False):
            yield json.loads(item.data)
