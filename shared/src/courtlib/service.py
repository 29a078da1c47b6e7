"""What every service declares alike: event plumbing handlers, operational routes, HTTP wiring.

``messaging_blueprint`` (from :mod:`courtlib.messaging.blueprint`) declares the three Lambda handlers every app
has — ``consume_events`` (its inbound queue), ``relay_outbox`` (its table's stream) and ``sweep_outbox`` (a
schedule) — so their wiring lives in one place. ``ops_routes`` are every service's operational routes
(``/health``, ``/openapi.json``, dead-letter queue administration, partner keys, the audit trail), which
``courtlib.route_table`` registers with the service's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalice.app import Response
from pydantic import Field

from courtlib import aws
from courtlib.audit.api import add_audit_routes, add_history_route
from courtlib.auth.partners import TablePartnerKeyStore
from courtlib.bootstrap import Bootstrapped, adapter
from courtlib.calendar.store import CalendarRepository
from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.idempotency import idempotency_key_from
from courtlib.messaging.blueprint import lambda_handlers as lambda_handlers  # where they used to be
from courtlib.messaging.blueprint import messaging_blueprint as messaging_blueprint
from courtlib.messaging.dlq import DeadLetters
from courtlib.messaging.outbox import UnitOfWork
from courtlib.schema import Schema
from courtlib.settings import ServiceSettings

if TYPE_CHECKING:
    from courtlib.config import TribunalConfig


@dataclass
class ServiceDeps(Bootstrapped):
    """What the shared routes need from a service; a service's own deps extend it (see :mod:`courtlib.bootstrap`)."""

    calendar: CalendarRepository = adapter(CalendarRepository)

    @cached_property
    def config(self) -> TribunalConfig:
        """The tribunal's configuration (read on first use: a bad override fails the first request that needs it)."""
        from courtlib.config import tribunal_config_from_env

        return tribunal_config_from_env()


class HealthCheck(Schema):
    status: str
    servico: str
    verificacoes: dict[str, str]


class DeadLetter(Schema):
    id_mensagem: str
    tipo: str | None
    grupo: str | None
    tentativas: int
    enviada_em: str | None
    corpo: str


class DeadLetterList(Schema):
    total_aproximado: int
    itens: list[DeadLetter]


class RedriveRequest(Schema):
    limite: int = Field(100, ge=1, le=1000, description="Quantas mensagens devolver à fila de origem")


class RedriveResult(Schema):
    reprocessadas: int


class DlqQuery(Schema):
    limite: int = Field(10, ge=1, le=10)


class ParceiroIn(Schema):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,19}$", description="Sigla do tribunal parceiro, ex.: TJSC")
    nome: str = Field(min_length=3, max_length=200)


class ParceiroOut(Schema):
    id: str
    nome: str
    ativo: bool
    segredo: str | None = Field(None, description="Chave de assinatura: mostrada só na criação")


def ops_routes(settings: ServiceSettings, partner_keys: TablePartnerKeyStore,
               openapi: Callable[[], dict[str, Any]]) -> RouteSet:
    routes = RouteSet(service=settings.service, title="Operação")
    dead_letters = DeadLetters(settings)

    @routes.route("/health", methods=["GET"], public=True, response=HealthCheck, summary="Verifica tabela e fila")
    def health(ctx: RequestContext) -> Response | HealthCheck:
        checks = _checks(settings)
        healthy = all(value == "ok" for value in checks.values())
        body = HealthCheck(status="ok" if healthy else "falha", servico=settings.service, verificacoes=checks)
        if healthy:
            return body
        return Response(body=body.model_dump(), status_code=503, headers={"Content-Type": "application/json"})

    @routes.route("/openapi.json", methods=["GET"], public=True, summary="Documento OpenAPI 3.1 do serviço")
    def openapi_document(ctx: RequestContext) -> dict[str, Any]:
        return openapi()

    @routes.route("/admin/dlq", methods=["GET"], roles={"admin"}, query=DlqQuery, response=DeadLetterList,
                  summary="Lista mensagens na fila de mensagens mortas (sem removê-las)")
    def list_dead_letters(ctx: RequestContext, query: DlqQuery) -> DeadLetterList:
        items = [DeadLetter(**item) for item in dead_letters.peek(query.limite)]
        return DeadLetterList(total_aproximado=dead_letters.count(), itens=items)

    @routes.route("/admin/dlq/reprocessar", methods=["POST"], roles={"admin"}, body=RedriveRequest,
                  response=RedriveResult, summary="Devolve mensagens mortas à fila de origem")
    def redrive_dead_letters(ctx: RequestContext, body: RedriveRequest) -> RedriveResult:
        moved = dead_letters.redrive(body.limite)
        # SQS is outside the table's transactions: the record follows the redrive it describes.
        uow = UnitOfWork(settings)
        uow.audit("ADM.DLQ.REPROCESSAR", ("fila", f"{settings.service}-eventos-dlq"),
                  after={"limite": body.limite, "reprocessadas": moved})
        uow.commit()
        return RedriveResult(reprocessadas=moved)

    # Not on the generic idempotency layer, which would keep the answer (the new secret) in the table: the
    # key store replays a retry with the same Idempotency-Key itself (TablePartnerKeyStore.register).
    @routes.route("/admin/parceiros", methods=["POST"], roles={"admin"}, body=ParceiroIn, response=ParceiroOut,
                  status=201, summary="Cadastra (ou troca a chave de) um tribunal parceiro")
    def register_partner(ctx: RequestContext, body: ParceiroIn) -> ParceiroOut:
        item = partner_keys.register(body.id, body.nome, request_key=idempotency_key_from(ctx.headers))
        return ParceiroOut(id=body.id, nome=body.nome, ativo=True, segredo=item.secret)

    @routes.route("/admin/parceiros/{parceiro}", methods=["DELETE"], roles={"admin"}, status=204,
                  summary="Revoga a chave de um tribunal parceiro")
    def revoke_partner(ctx: RequestContext, parceiro: str) -> None:
        if not partner_keys.deactivate(parceiro):
            raise ProblemError.not_found("Tribunal parceiro não cadastrado.")

    add_history_route(routes, "/admin/parceiros/{parceiro}/historico", target_type="parceiro", roles={"admin"},
                      summary="Histórico da chave de um tribunal parceiro (cadastro, trocas, revogação)")
    add_audit_routes(routes, settings)  # GET /auditoria and /auditoria/verificacao, on every service
    return routes


def _checks(settings: ServiceSettings) -> dict[str, str]:
    checks: dict[str, str] = {}
    dynamodb = aws.client("dynamodb", settings)
    sqs = aws.client("sqs", settings)
    try:
        status = dynamodb.describe_table(TableName=settings.table_name)["Table"]["TableStatus"]
        checks["tabela"] = "ok" if status == "ACTIVE" else status.lower()
    except Exception as error:
        checks["tabela"] = type(error).__name__
    try:
        sqs.get_queue_attributes(QueueUrl=settings.queue_url, AttributeNames=["QueueArn"])
        checks["fila"] = "ok"
    except Exception as error:
        checks["fila"] = type(error).__name__
    return checks
