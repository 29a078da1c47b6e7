"""Delivering what the apps declare in ``app.event_sources``, with Lambda's event shapes and semantics.

- SQS (``SQSEventConfig``): a poller per queue; a batch is deleted after the handler returns, except
  the records it reports in ``batchItemFailures`` (they come back after the visibility timeout and
  SQS moves them to the DLQ after ``maxReceiveCount``); nothing is deleted when the handler raises.
- DynamoDB streams (``DynamoDBEventConfig``): a poller per shard from TRIM_HORIZON (what was written
  before the runner started is relayed too); on failure the batch is retried from the first failed
  record, up to ``MAX_STREAM_RETRIES`` times, then logged and skipped (as an on-failure destination).
- Schedules (``ScheduledEventConfig``): one scheduler thread; ``fire`` runs one on demand.

Handlers are invoked as ``chalice.test.Client.lambda_.invoke`` does: ``app.handler_map[name](event,
LambdaContext)`` — the handler map holds chalice's wrapper that turns the raw event into the
``SQSEvent``/``DynamoDBEvent``/``CloudWatchEvent`` the user function receives.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.app import Chalice
from chalice.local import LambdaContext

from courtlib import clock
from courtlib.clock import ClockError
from devstack.logs import acting_as
from devstack.schedules import parse_schedule

log = logging.getLogger("devstack")

MAX_STREAM_RETRIES = 10
STREAM_IDLE_WAIT = 0.25


# ---------------------------------------------------------------- event shapes


def _lambda_message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    attribute: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = _b64(value["BinaryValue"])
    return attribute


def _b64(value: bytes | str) -> str:
    return base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One Lambda SQS record from a ``ReceiveMessage`` message (AttributeNames/MessageAttributeNames All)."""
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": {name: _lambda_message_attribute(value)
                              for name, value in (message.get("MessageAttributes") or {}).items()},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def sqs_event(messages: Iterable[Mapping[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {"Records": [sqs_record(message, queue_arn, region) for message in messages]}


def _attribute_value(value: Any) -> Any:
    """Binary values as base64 text, as in the JSON Lambda receives (boto3 gives bytes)."""
    if isinstance(value, dict):
        return {key: (_b64(item) if key == "B" else [_b64(b) for b in item] if key == "BS"
                      else _attribute_value(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [_attribute_value(item) for item in value]
    return value


def dynamodb_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """One Lambda DynamoDB-stream record from a ``GetRecords`` record."""
    source = record.get("dynamodb") or {}
    created = source.get("ApproximateCreationDateTime") or clock.now()
    if isinstance(created, datetime):
        created = int(created.timestamp())
    dynamodb: dict[str, Any] = {"ApproximateCreationDateTime": created}
    for key in ("Keys", "NewImage", "OldImage"):
        if key in source:
            dynamodb[key] = {name: _attribute_value(value) for name, value in source[key].items()}
    dynamodb.update({"SequenceNumber": source["SequenceNumber"], "SizeBytes": source.get("SizeBytes", 0),
                     "StreamViewType": source.get("StreamViewType", "NEW_AND_OLD_IMAGES")})
    lambda_record = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:
        lambda_record["userIdentity"] = record["userIdentity"]
    return lambda_record


def dynamodb_event(records: Iterable[Mapping[str, Any]], stream_arn: str, region: str) -> dict[str, Any]:
    return {"Records": [dynamodb_record(record, stream_arn, region) for record in records]}


def scheduled_event(rule_arn: str, region: str, account: str, when: datetime | None = None) -> dict[str, Any]:
    """The EventBridge "Scheduled Event" a rule delivers to its Lambda target."""
    when = (when or clock.now()).astimezone(UTC)
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": account, "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": region,
        "resources": [rule_arn], "detail": {},
    }


def failed_item_ids(result: Any, batch_ids: list[str]) -> list[str] | None:
    """The ids a handler reported as failed; None means the whole batch failed.

    As Lambda does: an identifier that is empty or not in the batch fails the whole batch.
    """
    if not isinstance(result, dict) or not result.get("batchItemFailures"):
        return []
    ids = [str(item.get("itemIdentifier") or "") if isinstance(item, dict) else ""
           for item in result["batchItemFailures"]]
    if any(item not in batch_ids for item in ids):
        return None
    return ids


# ---------------------------------------------------------------- invocation


@dataclass(frozen=True)
class Target:
    """A handler of one app, named as Lambda would name its function (``<app>-<stage>-<handler>``)."""

    service: str
    app: Chalice
    name: str
    stage: str = "local"
    account: str = "123456789012"
    region: str = "sa-east-1"
    timeout_s: int = 60
    memory_mb: int = 128

    @property
    def function_name(self) -> str:
        return f"{self.app.app_name}-{self.stage}-{self.name}"

    def warm(self) -> None:
        """Lets the handler build what its first event would (``warm`` on the handler's function, when it has one:
        courtlib's ``consume_events``). The stack is one long-lived process: what a Lambda container pays once on its
        first event, the stack pays once at start, in this poller's thread before its first poll, so the first
        events are not delayed behind those imports (≈2 s per consumer on a loaded machine)."""
        handler = self.app.handler_map.get(self.name)
        warm = getattr(getattr(handler, "func", None), "warm", None)
        if callable(warm):
            with acting_as(self.service):
                warm()

    def invoke(self, event: dict[str, Any]) -> Any:
        context = LambdaContext(self.function_name, memory_size=self.memory_mb, max_runtime_ms=self.timeout_s * 1000)
        context.invoked_function_arn = (f"arn:aws:lambda:{self.region}:{self.account}:function:"
                                        f"{self.function_name}")
        with acting_as(self.service):  # its logs go to the service's file (devstack.logs)
            return self.app.handler_map[self.name](event, context)


# ---------------------------------------------------------------- pollers


class Worker(threading.Thread):
    """A poller thread; knows whether it is idle, for ``LocalStack.wait_for_idle``."""

    def __init__(self, name: str, stop: threading.Event) -> None:
        super().__init__(name=name, daemon=True)
        self.stop_event = stop
        self.busy = False
        self._last_empty_poll_started = float("-inf")
        self._wake = threading.Event()

    def nudge(self) -> None:
        """Ends the current pause between polls now (``wait_for_idle`` wants a fresh empty poll quickly)."""
        self._wake.set()

    def _rest(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def _empty_poll(self, started: float) -> None:
        self._last_empty_poll_started = started

    def _work(self) -> None:
        self.busy = True
        self._last_empty_poll_started = float("-inf")

    def quiet_since(self, moment: float) -> bool:
        """True if nothing is running and a poll that started after ``moment`` found nothing."""
        return not self.busy and self._last_empty_poll_started > moment


class SqsPoller(Worker):
    def __init__(self, target: Target, sqs: Any, queue_url: str, queue_arn: str, batch_size: int,
                 stop: threading.Event) -> None:
        super().__init__(f"sqs:{target.service}:{target.name}", stop)
        self.target, self.sqs, self.queue_url, self.queue_arn = target, sqs, queue_url, queue_arn
        self.batch_size = max(1, min(batch_size, 10))  # one ReceiveMessage; Lambda would gather more

    def quiet_since(self, moment: float) -> bool:
        # Received-but-unfinished messages are in the queue's in-flight count, which wait_for_idle
        # checks; waiting for an empty long poll would add a second to every wait.
        return not self.busy

    def run(self) -> None:
        try:
            self.target.warm()
        except Exception:  # the first event will build it, and say why if it fails
            log.warning("%s: aquecimento do consumidor falhou", self.name, exc_info=True)
        while not self.stop_event.is_set():
            started = time.monotonic()
            try:
                messages = self.sqs.receive_message(
                    QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size, WaitTimeSeconds=1,
                    AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
            except Exception:
                if not self.stop_event.is_set():
                    log.exception("%s: ReceiveMessage falhou", self.name)
                    self.stop_event.wait(1.0)
                continue
            if not messages:
                self._empty_poll(started)
                continue
            self._work()
            try:
                self.deliver(messages)
            finally:
                self.busy = False

    def deliver(self, messages: list[dict[str, Any]]) -> None:
        event = sqs_event(messages, self.queue_arn, self.target.region)
        try:
            result = self.target.invoke(event)
        except Exception:
            log.exception("%s: o handler falhou; o lote volta à fila após o visibility timeout", self.name)
            return
        failed = failed_item_ids(result, [m["MessageId"] for m in messages])
        if failed is None:
            log.error("%s: batchItemFailures com identificador inválido; o lote inteiro volta à fila", self.name)
            return
        done = [m for m in messages if m["MessageId"] not in set(failed)]
        for start in range(0, len(done), 10):
            chunk = done[start:start + 10]
            try:
                response = self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)])
            except Exception:
                log.warning("%s: DeleteMessageBatch falhou; as mensagens voltam após o visibility timeout",
                            self.name, exc_info=True)
                continue
            for failure in response.get("Failed", []):
                log.error("%s: DeleteMessage falhou: %s", self.name, failure)
        if failed:
            log.info("%s: %d de %d mensagens falharam e voltam à fila", self.name, len(failed), len(messages))


class StreamPoller(Worker):
    def __init__(self, target: Target, streams: Any, stream_arn: str, shard_id: str, batch_size: int,
                 stop: threading.Event, forget_iterator: Callable[[str | None], None] = lambda _: None) -> None:
        super().__init__(f"stream:{target.service}:{target.name}:{shard_id[-8:]}", stop)
        self.target, self.streams, self.stream_arn, self.shard_id = target, streams, stream_arn, shard_id
        self.batch_size = max(1, min(batch_size, 1000))
        self._forget = forget_iterator

    def _iterator(self, kind: str, sequence_number: str | None = None) -> str:
        extra = {"SequenceNumber": sequence_number} if sequence_number else {}
        return self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=self.shard_id,
                                               ShardIteratorType=kind, **extra)["ShardIterator"]

    def run(self) -> None:
        iterator: str | None = None
        last_sequence: str | None = None
        attempts = 0
        while not self.stop_event.is_set():
            started = time.monotonic()
            try:
                if iterator is None:
                    iterator = (self._iterator("AFTER_SEQUENCE_NUMBER", last_sequence) if last_sequence
                                else self._iterator("TRIM_HORIZON"))
                response = self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
            except Exception as error:
                iterator = None  # a fresh one next time, from the last record read (never reuse a refused one)
                if _stale_iterator(error):
                    # DynamoDB Local refuses an iterator taken at TRIM_HORIZON of an empty shard once records
                    # arrive (TrimmedDataAccessException), and every iterator after 15 minutes (Expired…).
                    log.debug("%s: iterador recusado (%s); pedindo outro", self.name, error)
                    continue
                if not self.stop_event.is_set():
                    log.exception("%s: GetRecords falhou", self.name)
                    self.stop_event.wait(1.0)
                continue
            self._forget(iterator)
            records, next_iterator = response.get("Records", []), response.get("NextShardIterator")
            if not records:
                # Follow the table: an iterator pins the shard object it was made from, and an embedded
                # DynamoDB may replace the table (moto swaps in a copy when a transaction is cancelled,
                # unless patched). A fresh iterator after the last record read finds the current shard.
                self._forget(next_iterator)
                iterator = None
                self._empty_poll(started)
                self._rest(STREAM_IDLE_WAIT)
                continue
            self._work()
            try:
                retry_from = self.deliver(records)
                if retry_from is None:
                    attempts, iterator = 0, next_iterator
                    last_sequence = records[-1]["dynamodb"]["SequenceNumber"]
                    continue
                attempts += 1
                if attempts > MAX_STREAM_RETRIES:
                    log.error("%s: registros %s..%s descartados após %d tentativas (destino de falha)",
                              self.name, retry_from, records[-1]["dynamodb"]["SequenceNumber"], attempts)
                    attempts, iterator = 0, next_iterator
                    last_sequence = records[-1]["dynamodb"]["SequenceNumber"]
                    continue
                self._forget(next_iterator)
                iterator = self._iterator("AT_SEQUENCE_NUMBER", retry_from)
                self.stop_event.wait(min(0.05 * 2 ** attempts, 1.0))
            finally:
                self.busy = False

    def deliver(self, records: list[dict[str, Any]]) -> str | None:
        """Invokes the handler; returns the sequence number to retry from, or None if all succeeded."""
        sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
        try:
            result = self.target.invoke(dynamodb_event(records, self.stream_arn, self.target.region))
        except Exception:
            log.exception("%s: o handler falhou; o lote será repetido", self.name)
            return sequence_numbers[0]
        failed = failed_item_ids(result, sequence_numbers)
        if failed is None:
            log.error("%s: batchItemFailures com identificador inválido; o lote será repetido", self.name)
            return sequence_numbers[0]
        if not failed:
            return None
        return min(failed, key=int)


def _stale_iterator(error: Exception) -> bool:
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    return code in ("TrimmedDataAccessException", "ExpiredIteratorException")


# ---------------------------------------------------------------- schedules


@dataclass
class ScheduledTarget:
    target: Target
    expression: str
    schedule: Any
    next_at: datetime | None = None

    @property
    def rule_arn(self) -> str:
        return f"arn:aws:events:{self.target.region}:{self.target.account}:rule/{self.target.function_name}"

    def fire(self, when: datetime | None = None) -> Any:
        event = scheduled_event(self.rule_arn, self.target.region, self.target.account, when)
        return self.target.invoke(event)


# A schedule that fires more often than this is housekeeping (the 5-minute outbox sweep): an advance
# of the clock runs it once, at the end, instead of once per period crossed.
FREQUENT = timedelta(hours=1)


class Scheduler(threading.Thread):
    """Fires each schedule when due by ``courtlib.clock`` (in a small pool, so a slow run does not delay the others).

    ``next_at`` per schedule is the one record of what is due: the background loop and
    :meth:`advance` both move it under ``lock``, so a schedule never fires twice for one instant.
    """

    def __init__(self, entries: list[ScheduledTarget], stop: threading.Event) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.entries = entries
        self.stop_event = stop
        self.lock = threading.RLock()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="schedule")
        self._running: set[Future[Any]] = set()
        self.rebase()

    @property
    def busy(self) -> bool:
        return any(not future.done() for future in list(self._running))

    def rebase(self) -> None:
        """Each schedule's next run after the clock's now (after the clock was set: nothing crossed is fired)."""
        with self.lock:
            now = clock.now()
            for entry in self.entries:
                entry.next_at = entry.schedule.next_after(now)

    def run(self) -> None:
        while not self.stop_event.is_set():
            with self.lock:
                now = clock.now()
                for entry in self.entries:
                    if entry.next_at is not None and entry.next_at <= now:
                        due, entry.next_at = entry.next_at, entry.schedule.next_after(now)
                        future = self._pool.submit(self._fire, entry, due)
                        self._running.add(future)
                        future.add_done_callback(self._running.discard)
                upcoming = [e.next_at for e in self.entries if e.next_at is not None]
            delay = min((min(upcoming) - now).total_seconds(), 1.0) if upcoming else 1.0
            self.stop_event.wait(max(delay, 0.01))
        self._pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _fire(entry: ScheduledTarget, when: datetime) -> None:
        try:
            result = entry.fire(when)
            log.info("agendamento %s/%s executado: %s", entry.target.service, entry.target.name,
                     json.dumps(result, default=str, ensure_ascii=False)[:200])
        except Exception:
            log.exception("agendamento %s/%s falhou", entry.target.service, entry.target.name)

    def advance(self, settable: Any, move: Callable[[datetime], datetime], settle: Callable[[], Any] = lambda: None,
                ) -> tuple[datetime, datetime, list[dict[str, Any]]]:
        """Moves ``settable`` (a ``courtlib.clock.SettableClock``) from now to ``move(now)``, firing what AWS would
        have.

        Every schedule due up to the target runs in order of its instant (ties: in declaration
        order), synchronously, with the clock frozen at that instant and that instant as the event
        time; ``settle()`` (wait for the events it caused; False = timed out, marked on the run)
        follows each run. Frequent schedules
        (period < ``FREQUENT``) that were crossed run once, at the target. Returns
        ``(start, target, runs)``; raises ``courtlib.clock.ClockError`` for a target in the past.
        """
        with self.lock:
            for future in list(self._running):  # a background run in progress finishes first
                future.result()
            was_frozen = settable.frozen
            start = settable.freeze()
            target = move(start)
            if target < start:
                if not was_frozen:
                    settable.unfreeze()
                raise ClockError(f"O relógio não volta no tempo: agora é {start.isoformat(timespec='seconds')} "
                                 f"e o destino seria {target.isoformat(timespec='seconds')}.")
            return start, target, self._replay(settable, start, target, settle, was_frozen)

    def _replay(self, settable: Any, start: datetime, target: datetime, settle: Callable[[], Any],
                was_frozen: bool) -> list[dict[str, Any]]:
        fired: list[dict[str, Any]] = []
        try:
            coalesced = []
            for entry in self.entries:
                if entry.next_at is not None and entry.next_at <= target and _frequent(entry.schedule, target):
                    coalesced.append(entry)
                    entry.next_at = entry.schedule.next_after(target)
            while True:
                due = [(e.next_at, i, e) for i, e in enumerate(self.entries)
                       if e.next_at is not None and e.next_at <= target]
                if not due:
                    break
                at, _, entry = min(due, key=lambda item: (item[0], item[1]))
                settable.set(max(at, settable.now()))
                fired.append(_run(entry, at, coalesced=False))
                entry.next_at = entry.schedule.next_after(at)
                if settle() is False:  # wait_for_idle timed out: said in the answer, the advance goes on
                    fired[-1]["eventos_pendentes"] = True
            settable.set(target)
            for entry in coalesced:
                fired.append(_run(entry, target, coalesced=True))
            if coalesced:
                settle()
        finally:
            settable.set(max(target, settable.now()))
            if not was_frozen:
                settable.unfreeze()
        return fired


def _frequent(schedule: Any, around: datetime) -> bool:
    first = schedule.next_after(around)
    second = schedule.next_after(first) if first is not None else None
    return second is not None and second - first < FREQUENT


def _run(entry: ScheduledTarget, at: datetime, *, coalesced: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"instante": at.astimezone(UTC).isoformat(), "servico": entry.target.service,
                           "handler": entry.target.name, "expressao": entry.expression}
    if coalesced:
        row["agrupado"] = True
    try:
        row["resultado"] = entry.fire(at)
    except Exception as error:
        log.exception("agendamento %s/%s falhou", entry.target.service, entry.target.name)
        row["erro"] = f"{type(error).__name__}: {error}"
    return row


@dataclass
class EventSources:
    """What the apps declare, resolved against the embedded AWS: pollers and schedules, not yet started."""

    pollers: list[Worker] = field(default_factory=list)
    schedules: dict[tuple[str, str], ScheduledTarget] = field(default_factory=dict)
    queues: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def wire(apps: Mapping[str, Chalice], sqs: Any, streams: Any, stop: threading.Event, *, account: str,
         region: str, stage: str = "local", limits: Mapping[str, tuple[int | None, int | None]] | None = None,
         forget_iterator: Callable[[str | None], None] = lambda _: None) -> EventSources:
    """Pollers and schedules for every ``SQSEventConfig``, ``DynamoDBEventConfig`` and ``ScheduledEventConfig``.

    ``limits``: each service's Lambda timeout (s) and memory (MB) from its chalice config, for the context.
    """
    from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig

    sources = EventSources()
    started = clock.now()
    for service, app in apps.items():
        sources.queues[service] = []
        for config in app.event_sources:
            timeout, memory = (limits or {}).get(service, (None, None))
            target = Target(service, app, config.name, stage, account, region, timeout or 60, memory or 128)
            if isinstance(config, SQSEventConfig):
                name = config.queue or (config.queue_arn or "").rsplit(":", 1)[-1]
                if not name:
                    log.warning("%s/%s: fila não configurada; handler não ligado", service, config.name)
                    continue
                url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
                arn = config.queue_arn or sqs.get_queue_attributes(
                    QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                sources.pollers.append(SqsPoller(target, sqs, url, arn, config.batch_size, stop))
                sources.queues[service].append({"name": name, "url": url, "handler": config.name})
            elif isinstance(config, DynamoDBEventConfig):
                if not config.stream_arn:
                    log.warning("%s/%s: stream não configurado; handler não ligado", service, config.name)
                    continue
                shards = streams.describe_stream(StreamArn=config.stream_arn)["StreamDescription"]["Shards"]
                sources.pollers += [StreamPoller(target, streams, config.stream_arn, shard["ShardId"],
                                                 config.batch_size, stop, forget_iterator) for shard in shards]
            elif isinstance(config, ScheduledEventConfig):
                expression = config.schedule_expression
                text = expression.to_string() if hasattr(expression, "to_string") else str(expression)
                sources.schedules[(service, config.name)] = ScheduledTarget(
                    target, text, parse_schedule(text, anchor=started))
            else:
                log.warning("%s/%s: %s não é entregue localmente", service, config.name, type(config).__name__)
    return sources
