"""A fix of moto's DynamoDB ``TransactWriteItems``, applied by the local stack and the tests' moto fixtures.

Why it exists: moto 5.2.5's ``DynamoDBBackend.transact_write_items`` deep-copies every table a
transaction touches (once per transaction item) and, when the transaction is cancelled, *replaces*
``self.tables[name]`` with that copy. Every write then costs time proportional to the table's size,
and after any cancelled transaction the stream shard held by the pollers belongs to a discarded
table object, so stream events stop until the outbox sweeper runs. moto also runs transactions
without a lock, so two of them can interleave.

It also honours ``ClientRequestToken`` as DynamoDB does (moto ignores it): a transaction repeated
with the same token and the same items within 10 minutes succeeds without being applied again (a
response lost after the write, then a retry), and with other items fails with
``IdempotentParameterMismatchException``.

What it does instead: under one lock, it checks every item's condition first (a cancellation writes
nothing), then applies the items keeping an undo record of the touched items; if an item fails while
being applied, those items are restored in place and the stream records the transaction appended are
dropped. The table object and its stream shard are never copied nor swapped.

When it can go: when moto's own ``transact_write_items`` stops copying tables (check on each moto
upgrade: ``copy.deepcopy`` in ``moto/dynamodb/models/__init__.py``). It patches only the version it
was written against, and warns and leaves moto alone on any other.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
import warnings
from collections import OrderedDict
from typing import Any

PATCHED_MOTO_VERSION = "5.2.5"
_LOCK = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
TOKEN_WINDOW_S = 600  # DynamoDB: a ClientRequestToken is valid for 10 minutes
# (account, region, token) → (items digest, when), oldest first
_tokens: OrderedDict[tuple[str, str, str], tuple[str, float]] = OrderedDict()


def moto_version() -> str:
    from importlib.metadata import version

    return version("moto")


def apply(expected_version: str = PATCHED_MOTO_VERSION) -> bool:
    """Patches moto's DynamoDB backend once; True if the patch is active. Idempotent."""
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend.transact_write_items, "_in_place", False):
        return True
    found = moto_version()
    if found != expected_version:
        warnings.warn(f"moto {found}: the TransactWriteItems patch was written for moto {expected_version} "
                      "and is not applied; check whether moto still copies tables in transactions",
                      RuntimeWarning, stacklevel=2)
        return False
    for name in _WRITES[:-1]:
        setattr(DynamoDBBackend, name, _locked(getattr(DynamoDBBackend, name)))
    transact_write_items._in_place = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _honour_client_request_token()
    return True


def _honour_client_request_token() -> None:
    from moto.dynamodb.exceptions import DynamodbException
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.transact_write_items

    def transact_write_items(self: Any) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return original(self)
        digest = hashlib.sha256(json.dumps(self.body["TransactItems"], sort_keys=True).encode()).hexdigest()
        key = (self.current_account, self.region, token)
        with _LOCK:
            now = time.monotonic()
            while _tokens and now - next(iter(_tokens.values()))[1] > TOKEN_WINDOW_S:
                _tokens.popitem(last=False)
            seen = _tokens.get(key)
            if seen is not None:
                if seen[0] != digest:
                    raise DynamodbException("com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
                                            "The request uses the same client token as a previous, but non-identical"
                                            " request. Do not reuse a client token with different requests, unless"
                                            " the requests are identical.")
                from moto.core.responses import ActionResult

                return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
            result = original(self)
            _tokens[key] = (digest, now)
            return result

    DynamoHandler.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _locked(method: Any) -> Any:
    """A single write under the transactions' lock, so a transaction is atomic against it too."""

    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(self, *args, **kwargs)

    write.__name__, write.__doc__ = method.__name__, method.__doc__
    return write


def _key_of(table: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _slot(table: Any, key: dict[str, Any]) -> tuple[Any, Any]:
    """The (hash, range) of ``key`` as moto stores items: ``items[hash]`` or ``items[hash][range]``."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr is not None else None
    return hash_value, range_value


def _stored(table: Any, slot: tuple[Any, Any]) -> Any:
    hash_value, range_value = slot
    if range_value is None:
        return table.items.get(hash_value) if hash_value in table.items else None
    return table.items[hash_value].get(range_value) if hash_value in table.items else None


def _restore(table: Any, slot: tuple[Any, Any], item: Any) -> None:
    hash_value, range_value = slot
    if range_value is None:
        if item is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = item
        return
    if item is None:
        if hash_value in table.items:
            table.items[hash_value].pop(range_value, None)
            if not table.items[hash_value]:
                table.items.pop(hash_value, None)
    else:
        table.items[hash_value][range_value] = item


def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """moto's ``transact_write_items`` with an in-place undo instead of table copies (see the module)."""
    from moto.dynamodb.comparisons import get_filter_expression as filter_expression
    from moto.dynamodb.exceptions import (
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models.dynamo_type import Item

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with _LOCK:
        plan: list[tuple[str, dict[str, Any], Any, dict[str, Any]]] = []
        seen: set[tuple[str, str]] = set()
        for item in transact_items:
            if len(item) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table = self.get_table(op["TableName"])
            key = _key_of(table, op_type, op)
            unique = (str(op["TableName"]), str(dict(sorted(key.items()))))
            if unique in seen:
                raise MultipleTransactionsException()
            seen.add(unique)
            plan.append((op_type, op, table, key))

        # 1. every condition against the current state: a cancelled transaction writes nothing.
        errors: list[tuple[str | None, str | None, Any]] = []
        for _op_type, op, _table, key in plan:
            condition = op.get("ConditionExpression")
            error: tuple[str | None, str | None, Any] = (None, None, None)
            if condition is not None:
                current = self.get_item(op["TableName"], key)
                check = filter_expression(condition, op.get("ExpressionAttributeNames"),
                                          op.get("ExpressionAttributeValues"))
                if not check.expr(current):
                    old = (current.to_json()["Attributes"]
                           if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current else None)
                    error = ("ConditionalCheckFailed", "The conditional request failed", old)
            errors.append(error)
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)

        # 2. apply, with an undo record of the touched items and of each stream's length.
        undo: list[tuple[Any, tuple[Any, Any], Any]] = []
        streams: dict[int, tuple[Any, int]] = {}
        for op_type, _op, table, key in plan:
            if op_type != "ConditionCheck":
                slot = _slot(table, key)
                before = _stored(table, slot)
                undo.append((table, slot, copy.deepcopy(before) if isinstance(before, Item) else before))
                if table.stream_shard is not None and id(table) not in streams:
                    streams[id(table)] = (table.stream_shard, len(table.stream_shard.items))
        errors = [(None, None, None)] * len(plan)
        try:
            for position, (op_type, op, _table, key) in enumerate(plan):
                try:
                    _apply(self, op_type, op, key)
                except Exception as error:
                    errors[position] = (type(error).__name__, str(error), None)
                    raise
        except Exception as failure:
            for table, slot, before in reversed(undo):
                _restore(table, slot, before)
            for shard, length in streams.values():
                del shard.items[length:]
            if isinstance(failure, MockValidationException):
                raise
            raise TransactionCanceledException(errors) from failure


def _apply(backend: Any, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(op["TableName"], op["Item"], condition_expression=op.get("ConditionExpression"),
                         expression_attribute_names=names, expression_attribute_values=values)
    elif op_type == "Delete":
        backend.delete_item(op["TableName"], key, condition_expression=op.get("ConditionExpression"),
                            expression_attribute_names=names, expression_attribute_values=values)
    elif op_type == "Update":
        backend.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                            condition_expression=op.get("ConditionExpression"),
                            expression_attribute_names=names, expression_attribute_values=values)
