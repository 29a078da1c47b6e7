"""Section: event latency on the local stack — from a state change's commit to each consumer applying it.

``EVENTS`` calendar days are registered in plantao-svc (``POST /calendario/dias``), one every ``PACE_S``; each
commits its outbox item (``created_at``) in the same transaction as the day, the stream relay publishes it to
the three consumers' FIFO queues (``relayed_at`` on the outbox item), and each consumer's transaction writes
its inbox marker (``INBOX#<event id>``, ``applied_at``). Both times come from the same clock in this process,
so the latency is ``applied_at − created_at`` per (event, consumer): goals p50 ≤300 ms, p99 ≤1 s, absolute
(the relay's and the queues' polling, not a DynamoDB call, set them). Shown split in commit → read from the
stream (stamped by wrapping the producer's stream pollers' ``deliver``), read → relayed, relayed → applied.
Runs on the real relay (the stream pollers) and queues of the local stack; the tables on DynamoDB Local when
Java is there. Alone: ``python -m bench.event_latency``.

Since the eager dispatch (courtlib.messaging.dispatch) the request sends its events itself, right after the commit,
and the relay is the safety net: the section also prints what that send costs the request (wall and CPU of the
request's thread, ratio to the GetItem), how many applications came before the relay published, how many copies
each consumer received, and what marking the outbox item as sent would have added to each request (an UpdateItem
of the item, timed here on the same DynamoDB). ``OUTBOX_EAGER_DISPATCH=false python -m bench.event_latency`` runs
it with the relay alone, to compare on the same machine state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from bench import goals
from bench.http_reads import HTTP_TIMEOUT_S, AwsCallCounter, stdout_handlers_to_devnull
from bench.stats import Summary

EVENTS = 100
PACE_S = 0.3
# Events sent, and consumed, before the timed ones: the first event a consumer's poller thread handles builds that
# thread's DynamoDB clients (PynamoDB keeps a botocore session per thread and model: ≈1.7 s on a loaded machine),
# once in the process's life, like a Lambda container's first event; the goals are for a warm stack, and that first
# call is printed on its own.
WARMUP_EVENTS = 3
WARMUP_FIRST_DAY = date(2030, 1, 7)
SETTLE_TIMEOUT_S = 60.0
GOAL_P50_MS, GOAL_P99_MS = 300.0, 1000.0
PRODUCER, EVENT_TYPE = "plantao", "calendario.dia-registrado"
CONSUMERS = ("cooperacao", "distribuicao", "pagamentos")
FIRST_DAY = date(2031, 1, 6)


def _days(n: int, first: date = FIRST_DAY) -> list[date]:
    """``n`` weekdays from ``first`` (a future year, away from the demo's and the other sections' days)."""
    out: list[date] = []
    day = first
    while len(out) < n:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def _table(stack: Any, service: str) -> str:
    return stack.outputs[f"{service.capitalize()}TableName"]


def _moment(item: dict[str, Any], name: str) -> datetime | None:
    value = item.get(name, {}).get("S")
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _outbox(dynamodb: Any, table: str, ids: set[str]) -> dict[str, tuple[datetime, datetime | None]]:
    """``{event id: (created_at, relayed_at)}`` of the given events' outbox items."""
    out = {}
    for event_id in ids:
        item = dynamodb.get_item(TableName=table, Key={"pk": {"S": f"OUTBOX#{event_id}"}, "sk": {"S": "EVENTO"}},
                                 ConsistentRead=True).get("Item") or {}
        created = _moment(item, "created_at")
        if created is not None:
            out[event_id] = (created, _moment(item, "relayed_at"))
    return out


def _event_ids(dynamodb: Any, table: str, since: datetime) -> set[str]:
    """Ids of the EVENT_TYPE outbox items created since ``since`` (a Scan: the bench table is small)."""
    ids: set[str] = set()
    kwargs: dict[str, Any] = {"TableName": table,
                              "FilterExpression": "begins_with(pk, :p) AND contains(event_type, :t)",
                              "ExpressionAttributeValues": {":p": {"S": "OUTBOX#"}, ":t": {"S": EVENT_TYPE}}}
    while True:
        page = dynamodb.scan(**kwargs)
        for item in page.get("Items", []):
            created = _moment(item, "created_at")
            if created is not None and created >= since:
                ids.add(item["pk"]["S"].removeprefix("OUTBOX#"))
        if "LastEvaluatedKey" not in page:
            return ids
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _applied(dynamodb: Any, table: str, event_id: str) -> datetime | None:
    item = dynamodb.get_item(TableName=table, Key={"pk": {"S": f"INBOX#{event_id}"}, "sk": {"S": "APLICADO"}},
                             ConsistentRead=True).get("Item") or {}
    return _moment(item, "applied_at")


class StreamReads:
    """When the producer's stream pollers received each outbox record (``{event id: moment}``), while active."""

    def __init__(self, stack: Any, service: str) -> None:
        self.seen: dict[str, datetime] = {}
        self._pollers = [p for p in (stack._sources.pollers if stack._sources else [])
                         if p.name.startswith(f"stream:{service}:")]

    def __enter__(self) -> StreamReads:
        from courtlib import clock

        for poller in self._pollers:
            original = poller.deliver

            def deliver(records: list[dict[str, Any]], original: Any = original) -> Any:
                now = clock.now()
                for record in records:
                    pk = (record.get("dynamodb", {}).get("Keys", {}).get("pk") or {}).get("S", "")
                    if pk.startswith("OUTBOX#"):
                        self.seen.setdefault(pk.removeprefix("OUTBOX#"), now)
                return original(records)

            poller.deliver = deliver
        return self

    def __exit__(self, *exc: object) -> None:
        for poller in self._pollers:
            poller.__dict__.pop("deliver", None)


class EagerSends:
    """Each eager dispatch while active: its wall time, the CPU of each queue's send (ms), when each event was sent."""

    def __init__(self) -> None:
        self.wall_ms: list[float] = []
        self.cpu_ms: list[float] = []
        self.sent_at: dict[str, datetime] = {}

    def __enter__(self) -> EagerSends:
        from courtlib import clock
        from courtlib.messaging.dispatch import EagerDispatcher

        self._original = original = EagerDispatcher.dispatch
        self._original_send = original_send = EagerDispatcher._send
        sends = self

        def dispatch(dispatcher: Any, events: Any) -> int:
            wall = time.perf_counter()
            sent = original(dispatcher, events)
            sends.wall_ms.append((time.perf_counter() - wall) * 1000.0)
            now = clock.now()
            for envelope, _, _ in events:
                sends.sent_at.setdefault(envelope.id, now)
            return sent

        def send(dispatcher: Any, service: str, entries: Any) -> tuple[int, int]:
            cpu = time.thread_time()  # the CPU of the thread that sends (one per destination queue)
            result = original_send(dispatcher, service, entries)
            sends.cpu_ms.append((time.thread_time() - cpu) * 1000.0)
            return result

        EagerDispatcher.dispatch = dispatch  # type: ignore[method-assign,assignment]
        EagerDispatcher._send = send  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        from courtlib.messaging.dispatch import EagerDispatcher

        EagerDispatcher.dispatch = self._original  # type: ignore[method-assign]
        EagerDispatcher._send = self._original_send  # type: ignore[method-assign]


class Deliveries:
    """How many copies of each event each consumer's queue poller handed to its handler, when it first received each
    (``received``: the poll's answer, before the handler) and how long each handler call took, while active."""

    def __init__(self, stack: Any) -> None:
        self.copies: dict[tuple[str, str], int] = {}
        self.received: dict[tuple[str, str], datetime] = {}
        self.batch_sizes: list[int] = []
        self.handler_ms: list[float] = []
        self.first_call_ms: dict[str, float] = {}  # each consumer's first handler call (it imports its use cases)
        self._pollers = [p for p in (stack._sources.pollers if stack._sources else [])
                         if p.name.startswith("sqs:") and p.name.split(":")[1] in CONSUMERS]

    def __enter__(self) -> Deliveries:
        import json

        from courtlib import clock

        for poller in self._pollers:
            original, service = poller.deliver, poller.name.split(":")[1]

            def deliver(messages: list[dict[str, Any]], original: Any = original, service: str = service) -> Any:
                now = clock.now()
                for message in messages:
                    event_id = json.loads(message["Body"]).get("id", "")
                    self.copies[(service, event_id)] = self.copies.get((service, event_id), 0) + 1
                    self.received.setdefault((service, event_id), now)
                self.batch_sizes.append(len(messages))
                began = time.perf_counter()
                try:
                    return original(messages)
                finally:
                    elapsed = (time.perf_counter() - began) * 1000.0
                    self.handler_ms.append(elapsed)
                    self.first_call_ms.setdefault(service, elapsed)

            poller.deliver = deliver
        return self

    def __exit__(self, *exc: object) -> None:
        for poller in self._pollers:
            poller.__dict__.pop("deliver", None)


def _mark_cost(dynamodb: Any, table: str, ids: list[str]) -> tuple[Summary, Summary]:
    """What marking an outbox item as sent would add to a request: one UpdateItem of the item (ms per call),
    each timed next to a GetItem of the same item (the reference, at the same moment)."""
    from courtlib import clock

    updates, reads = [], []
    for event_id in ids:
        key = {"pk": {"S": f"OUTBOX#{event_id}"}, "sk": {"S": "EVENTO"}}
        began = time.perf_counter()
        dynamodb.get_item(TableName=table, Key=key)
        reads.append((time.perf_counter() - began) * 1000.0)
        began = time.perf_counter()
        dynamodb.update_item(TableName=table, Key=key, UpdateExpression="SET bench_marcado_em = :t",
                             ExpressionAttributeValues={":t": {"S": clock.now().isoformat()}})
        updates.append((time.perf_counter() - began) * 1000.0)
    return Summary.of(updates), Summary.of(reads)


def _ms(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() * 1000.0


def _line(label: str, summary: Summary, goal_p50: float | None = None, goal_p99: float | None = None) -> str:
    def mark(value: float, goal: float | None, which: str) -> str:
        if goal is None:
            return ""
        return f" (meta ≤{goal:.0f} ms {goals.at_most(f'{label.strip()}, {which}', value, goal, ' ms')})"

    return (f"{label:<34} p50 {summary.p50:7.1f} ms{mark(summary.p50, goal_p50, 'p50')}   "
            f"p99 {summary.p99:7.1f} ms{mark(summary.p99, goal_p99, 'p99')}")


def run(emit: Callable[[str], None], stack: Any, base: Summary, counter: AwsCallCounter, events: int = EVENTS,
        pace_s: float = PACE_S) -> bool:
    """Prints the section; False on a harness or app error (a missed goal is printed, not failed)."""
    import requests

    from bench.local_stack import dynamodb_client
    from courtlib import clock

    emit(f"Latência de eventos ({EVENT_TYPE}: {PRODUCER} → {', '.join(CONSUMERS)}; {events} eventos, um a cada "
         f"{pace_s * 1000:.0f} ms; do commit ao consumidor aplicar, pelos carimbos created_at → applied_at)")
    url = stack.urls[PRODUCER]
    dynamodb = dynamodb_client(stack)
    with stdout_handlers_to_devnull(), requests.Session() as warmup, Deliveries(stack) as first_calls:
        warmup.trust_env = False
        warmup.headers.update({"Authorization": f"Bearer {stack.tokens['admin.ti']}"})
        for day in _days(WARMUP_EVENTS, WARMUP_FIRST_DAY):
            warmup.post(f"{url}/calendario/dias", json={"data": day.isoformat(), "tipo": "ponto_facultativo",
                                                         "descricao": "Bench de eventos (aquecimento)",
                                                         "decretado_em": clock.now().date().isoformat()},
                        timeout=HTTP_TIMEOUT_S)
        stack.wait_for_idle(SETTLE_TIMEOUT_S)
    emit(f"   aquecimento: {WARMUP_EVENTS} eventos antes dos medidos; a primeira chamada de cada consumidor (cria os "
         "clientes do DynamoDB da sua thread): " + ", ".join(f"{service} {ms:.0f} ms" for service, ms in
                                                             sorted(first_calls.first_call_ms.items())))
    since = clock.now()
    with (stdout_handlers_to_devnull(), requests.Session() as http, StreamReads(stack, PRODUCER) as reads,
          EagerSends() as sends, Deliveries(stack) as deliveries):
        http.trust_env = False
        http.headers.update({"Authorization": f"Bearer {stack.tokens['admin.ti']}"})
        for day in _days(events):
            began = time.monotonic()
            response = http.post(f"{url}/calendario/dias", json={
                "data": day.isoformat(), "tipo": "ponto_facultativo", "descricao": "Bench de eventos",
                "decretado_em": since.date().isoformat()}, timeout=HTTP_TIMEOUT_S)
            if response.status_code != 201:
                emit(f"   ERRO: HTTP {response.status_code} {response.text[:300]}")
                return False
            time.sleep(max(0.0, pace_s - (time.monotonic() - began)))
        settled = stack.wait_for_idle(SETTLE_TIMEOUT_S)
    ids = _event_ids(dynamodb, _table(stack, PRODUCER), since)
    outbox = _outbox(dynamodb, _table(stack, PRODUCER), ids)
    total, to_relay, after_relay, to_read, read_to_relay, to_sent = [], [], [], [], [], []
    queued, handled = [], []  # first send (eager or relay) → the consumer's poll received it → its transaction
    missing = before_relay = 0
    for event_id, (created, relayed) in outbox.items():
        if relayed is not None:
            to_relay.append(_ms(relayed, created))
        sent = sends.sent_at.get(event_id)
        if sent is not None:
            to_sent.append(_ms(sent, created))
        read = reads.seen.get(event_id)
        if read is not None:
            to_read.append(_ms(read, created))
            if relayed is not None:
                read_to_relay.append(_ms(relayed, read))
        for consumer in CONSUMERS:
            applied = _applied(dynamodb, _table(stack, consumer), event_id)
            if applied is None:
                missing += 1
                continue
            total.append(_ms(applied, created))
            published = min((t for t in (sent, relayed) if t is not None), default=None)
            received = deliveries.received.get((consumer, event_id))
            if received is not None:
                handled.append(_ms(applied, received))
                if published is not None:
                    queued.append(_ms(received, published))
            if relayed is not None:
                after_relay.append(_ms(applied, relayed))
                before_relay += applied < relayed
    if not total:
        emit(f"   ERRO: nenhum evento aplicado ({len(ids)} no outbox; fila ociosa: {settled})")
        return False
    emit(f"   {len(outbox)} eventos no outbox, {len(total)} aplicações (de {len(outbox) * len(CONSUMERS)}); "
         f"não aplicadas: {missing}{'' if settled else '; a pilha não ficou ociosa em 60 s'}")
    emit("   " + _line("commit → aplicado no consumidor", Summary.of(total), GOAL_P50_MS, GOAL_P99_MS))
    if to_sent:
        emit("   " + _line("  commit → enviado na hora (pedido)", Summary.of(to_sent)))
    if to_relay:
        emit("   " + _line("  commit → publicado pelo relay", Summary.of(to_relay)))
    if to_read:
        emit("   " + _line("    commit → lido do stream", Summary.of(to_read)))
    if read_to_relay:
        emit("   " + _line("    lido → publicado (handler do relay)", Summary.of(read_to_relay)))
    if after_relay:
        emit("   " + _line("  publicado → aplicado (fila SQS)", Summary.of(after_relay)))
    if queued:
        emit("   " + _line("  enviado → recebido pelo consumidor", Summary.of(queued)))
    if handled:
        emit("   " + _line("  recebido → aplicado (handler)", Summary.of(handled)))
    if deliveries.handler_ms:
        sizes = deliveries.batch_sizes
        emit(f"   lotes entregues aos consumidores: {len(sizes)}, {sum(sizes) / len(sizes):.1f} mensagens em média "
             f"(máx. {max(sizes)}); chamada do handler p50 {Summary.of(deliveries.handler_ms).p50:.1f} ms, "
             f"p99 {Summary.of(deliveries.handler_ms).p99:.1f} ms")
    copies = list(deliveries.copies.values())
    emit(f"   aplicadas antes de o relay publicar: {before_relay} de {len(total)}; cópias entregues por (evento, "
         f"consumidor): {sum(copies)} em {len(copies)} pares (máx. {max(copies, default=0)})")
    if sends.wall_ms:
        wall, cpu = Summary.of(sends.wall_ms), Summary.of(sends.cpu_ms)
        mark, reference = _mark_cost(dynamodb, _table(stack, PRODUCER), sorted(outbox)[:50])
        emit(f"   custo do envio imediato no pedido (SendMessageBatch × {len(CONSUMERS)} filas, lado a lado): "
             f"p50 {wall.p50:.1f} ms = {wall.p50 / base.p50:.1f}× GetItem, p99 {wall.p99:.1f} ms; "
             f"CPU por fila p50 {cpu.p50:.1f} ms")
        emit(f"   marcar o item como enviado custaria mais um UpdateItem no pedido: p50 {mark.p50:.1f} ms "
             f"= {mark.p50 / reference.p50:.1f}× o GetItem medido junto ({reference.p50:.1f} ms), "
             f"p99 {mark.p99:.1f} ms "
             "(não feito: a deduplicação FIFO absorve a republicação do relay)")
    else:
        emit("   envio imediato desligado (OUTBOX_EAGER_DISPATCH=false): só o relay publica")
    emit(f"   (referência: GetItem p50 {base.p50:.2f} ms; as metas são absolutas: o relay lê o stream a cada "
         "250 ms quando ocioso; o pedido envia seus eventos logo após o commit)")
    return missing == 0


if __name__ == "__main__":
    import sys

    from bench.local_stack import standalone

    sys.exit(standalone(run))
