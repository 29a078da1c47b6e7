"""The three event plumbing handlers every app has — ``consume_events`` (its inbound queue), ``relay_outbox`` (its
table's stream) and ``sweep_outbox`` (a schedule) — declared in one place.

The consumer and the relay are built on their first event, and the consumed events' handlers may be given as a
function called then: ``import app`` (a cold start) registers the handlers without importing the use cases.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

if TYPE_CHECKING:
    from courtlib.messaging.consumer import EventConsumer, EventHandler
    from courtlib.messaging.relay import OutboxRelay
    from courtlib.settings import ServiceSettings


def messaging_blueprint(settings: ServiceSettings,
                        handlers: dict[str, EventHandler] | Callable[[], dict[str, EventHandler]]) -> Blueprint:
    """The three handlers on a Blueprint named "app" (see :func:`lambda_handlers`)."""
    blueprint = Blueprint("app")

    @cache
    def consumer() -> EventConsumer:
        from courtlib.messaging.consumer import EventConsumer

        return EventConsumer(settings, handlers)

    @cache
    def relay() -> OutboxRelay:
        from courtlib.messaging.relay import OutboxRelay

        return OutboxRelay(settings)

    def consume_events(event: Any) -> dict[str, Any]:
        return consumer().handle_sqs(event.to_dict(), event.context)

    # The local stack, one long-lived process, warms its consumers once it is up (devstack.events), so that the
    # first event of each is not the one that pays for the imports. Lambda never calls it. (Set on the function
    # itself: chalice's handler map keeps it as the handler's ``func``.)
    consume_events.warm = lambda: consumer().warm()  # type: ignore[attr-defined]
    blueprint.on_sqs_message(queue=settings.queue_name, batch_size=10)(consume_events)

    @blueprint.on_dynamodb_record(stream_arn=settings.stream_arn, batch_size=100)
    def relay_outbox(event: Any) -> dict[str, Any]:
        return relay().handle_stream(event.to_dict(), event.context)

    @blueprint.schedule("rate(5 minutes)")
    def sweep_outbox(event: Any) -> dict[str, int]:
        return {"publicados": relay().sweep()}

    return blueprint


def lambda_handlers(app: Any) -> dict[str, Any]:
    """The app's queue, stream and schedule handlers by name, for ``app.py`` to export.

    ``chalice package`` points each such Lambda at ``<blueprint module>.<function name>``; the
    handlers are declared on blueprints named ``app`` and exported as attributes of ``app.py``.
    """
    return {source.name: app.handler_map[source.name] for source in app.event_sources}
