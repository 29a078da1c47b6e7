"""``GET /auditoria`` and ``GET /auditoria/verificacao``: every service's audit trail, for corregedoria and admin.

Declared by :func:`add_audit_routes` on the operational route set (:func:`courtlib.service.ops_routes`), so
the four services answer them alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from courtlib import clock
from courtlib.audit.record import shards_on
from courtlib.audit.store import AuditChains, day_bounds, days_between
from courtlib.errors import CourtError, Invalid, NotFound
from courtlib.http import Page, PageQuery, ProblemError, RequestContext, RouteSet
from courtlib.http.problems import INVALID_CURSOR
from courtlib.http.validation import FieldError
from courtlib.schema import Schema
from courtlib.settings import ServiceSettings

AUDIT_ROLES = frozenset({"corregedoria", "admin"})
MAX_PERIOD_DAYS = 31  # a period read without target or person walks every chain of every day in it
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)  # dates beyond are typos, not periods


class Quem(Schema):
    tipo: Literal["usuario", "parceiro", "sistema"]
    id: str
    nome: str | None = None
    papeis: list[str] = []


class Alvo(Schema):
    tipo: str
    id: str


class RegistroAuditoria(Schema):
    servico: str
    dia: date
    cadeia: int = Field(description="Cadeia do dia, escolhida pelo hash do alvo: 0..3 até 04/12/2026, 0..63 "
                                    "a partir de 05/12/2026")
    sequencia: int
    quando: str = Field(description="Instante do ato, ISO 8601 em UTC")
    quem: Quem
    ato: str = Field(description="Código estável do ato, ex.: DIST.DISTRIBUIR")
    regras: list[str]
    alvo: Alvo
    correlacao: str
    antes: dict[str, Any] | None
    depois: dict[str, Any] | None
    hash_anterior: str
    hash: str = Field(description="SHA-256 do JSON canônico de todos os outros campos")


class AuditoriaQuery(PageQuery):
    alvo: str | None = Field(None, pattern=r"^[a-z_]{2,40}:.{1,200}$", description="tipo:id, ex.: processo:0600123-45")
    pessoa: str | None = Field(None, max_length=200,
                               description="quem agiu: login do usuário, parceiro:<id> ou sistema:<nome>")
    ato: str | None = Field(None, pattern=r"^[A-Z][A-Z0-9_.]{1,60}$", description="código do ato: PLAN.IMPEDIMENTO")
    de: date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY, description="primeiro dia (data local do tribunal)")
    ate: date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY, description="último dia do período (inclusive)")

    @model_validator(mode="after")
    def _ordered(self) -> AuditoriaQuery:
        if self.de and self.ate and self.ate < self.de:
            raise FieldError("ate", "deve ser igual ou posterior a 'de'")
        return self


class VerificacaoQuery(Schema):
    dia: date = Field(ge=FIRST_DAY, le=LAST_DAY, description="Dia (data local do tribunal) cujas cadeias verificar")


class Cadeia(Schema):
    cadeia: int
    registros: int
    integra: bool
    problema: str | None = Field(None, description="alterado, ausente, fora_de_ordem ou encadeamento")
    sequencia: int | None = Field(None, description="Primeiro registro com problema")
    detalhe: str | None = None


class Verificacao(Schema):
    servico: str
    dia: date
    integra: bool
    cadeias_do_dia: int = Field(description="Quantas cadeias o dia tem (4 até 04/12/2026, 64 depois); a "
                                            "verificação lista as que têm registros")
    cadeias: list[Cadeia]


ReadCheck = Callable[[RequestContext, str], None]
# (service, target type) -> the service's check that the caller may read that target's records (the same check as
# its history route): a record of a guarded target is left out of any answer of GET /auditoria the caller may not
# read (a scale under the publication embargo, PLAN-03), and a query by that target is refused as its history is.
_READ_CHECKS: dict[tuple[str, str], ReadCheck] = {}


def guard_audit_reads(service: str, target_type: str, may_read: ReadCheck) -> None:
    """Records of ``target_type`` in ``service`` are shown by ``GET /auditoria`` only to whom ``may_read`` lets."""
    _READ_CHECKS[(service, target_type)] = may_read


def _readable(ctx: RequestContext, service: str, record: dict[str, Any]) -> bool:
    check = _READ_CHECKS.get((service, record["alvo"]["tipo"]))
    if check is None:
        return True
    try:
        check(ctx, record["alvo"]["id"])
    except CourtError:
        return False
    return True


def add_audit_routes(routes: RouteSet, settings: ServiceSettings) -> None:
    chains_of: dict[str, AuditChains] = {settings.table_name: AuditChains(settings)}

    def chains_for(ctx: RequestContext) -> AuditChains:
        """The chains of the table the service's deps use now (the one given, unless a test swapped it)."""
        current: ServiceSettings = getattr(ctx.deps, "settings", None) or settings
        return chains_of.get(current.table_name) or chains_of.setdefault(current.table_name, AuditChains(current))

    @routes.route("/auditoria", methods=["GET"], roles=AUDIT_ROLES, query=AuditoriaQuery,
                  response=Page[RegistroAuditoria], tags=["Auditoria"],
                  summary="Trilha de auditoria: quem fez o quê, quando, sob qual regra, e o que mudou")
    def list_audit(ctx: RequestContext, query: AuditoriaQuery) -> dict[str, Any]:
        """Filtra por alvo, pessoa, ato e período (`de`/`ate`). Sem alvo nem pessoa, o período (padrão: hoje)
        vai de no máximo 31 dias. Ordem: por alvo ou pessoa, do mais antigo; por período, cadeia a cadeia."""
        cursor = ctx.decode_cursor(query.cursor)
        chains = chains_for(ctx)
        if query.alvo:
            target_type, _, target_id = query.alvo.partition(":")
            check = _READ_CHECKS.get((settings.service, target_type))
            if check is not None:
                try:
                    check(ctx, target_id)
                except NotFound:  # no such target: no records of it to show (the route has no path to miss)
                    return {"itens": [], "proximo": None}
        if query.alvo or query.pessoa:
            start, end = _bounds(query.de, query.ate)
            index, key = ("alvo", query.alvo) if query.alvo else ("pessoa", query.pessoa)
            items, last = chains.by_index(index, key or "", start=start, end=end, act=query.ato,
                                          person=query.pessoa, limit=query.limite,
                                          cursor=_resumed(cursor, index, key or "").get("chave"))
            following = {"via": index, "de": key, "chave": last} if last else None
        else:
            first = query.de or query.ate or clock.today()
            last_day = query.ate or (query.de and clock.today()) or first
            if last_day < first:
                last_day = first
            if (last_day - first).days >= MAX_PERIOD_DAYS:
                raise Invalid(f"Sem alvo nem pessoa, o período vai de no máximo {MAX_PERIOD_DAYS} dias.", field="de")
            days = list(days_between(first, last_day))
            position = _resumed(cursor, "periodo", f"{first}/{last_day}")
            if position and (position.get("dia") not in {d.isoformat() for d in days}
                             or position.get("cadeia") not in range(shards_on(date.fromisoformat(position["dia"])))):
                raise _bad_cursor()
            items, following = chains.by_days(days, act=query.ato, person=None, limit=query.limite,
                                              cursor=position or None)
            if following:
                following = {**following, "via": "periodo", "de": f"{first}/{last_day}"}
        verdicts: dict[tuple[str, str], bool] = {}  # one check per target of the page
        for item in items:
            target = (item["alvo"]["tipo"], item["alvo"]["id"])
            if target not in verdicts:
                verdicts[target] = _readable(ctx, settings.service, item)
        items = [item for item in items if verdicts[(item["alvo"]["tipo"], item["alvo"]["id"])]]
        return {"itens": items, "proximo": ctx.next_cursor(following)}

    @routes.route("/auditoria/verificacao", methods=["GET"], roles=AUDIT_ROLES, query=VerificacaoQuery,
                  response=Verificacao, tags=["Auditoria"], summary="Verifica as cadeias de auditoria de um dia")
    def verify_audit(ctx: RequestContext, query: VerificacaoQuery) -> Verificacao:
        """Recalcula o hash de cada registro, a sequência e o encadeamento de cada cadeia do dia, e
        confere o tamanho com a cabeça da cadeia: aponta o primeiro registro alterado, ausente ou fora de ordem."""
        report = []
        for shard, count, broken in chains_for(ctx).verify_day(query.dia):
            report.append(Cadeia(cadeia=shard, registros=count, integra=broken is None,
                                 problema=broken.problem if broken else None,
                                 sequencia=broken.sequence if broken else None,
                                 detalhe=broken.detail if broken else None))
        return Verificacao(servico=settings.service, dia=query.dia, integra=all(c.integra for c in report),
                           cadeias_do_dia=shards_on(query.dia), cadeias=report)


def _resumed(cursor: dict[str, Any] | None, via: str, of: str) -> dict[str, Any]:
    """The position a cursor resumes from, refused when it came from another kind of listing or filter."""
    if cursor is None:
        return {}
    if cursor.get("via") != via or cursor.get("de") != of:
        raise _bad_cursor()
    return cursor


def _bad_cursor() -> ProblemError:
    return ProblemError(400, INVALID_CURSOR, "O cursor é de outra consulta: repita a consulta sem ele.", field="cursor")


def _bounds(first: date | None, last: date | None) -> tuple[Any, Any]:
    if first is None and last is None:
        return None, None
    start, end = day_bounds(first or FIRST_DAY, last or LAST_DAY)
    return (start if first else None), (end if last else None)


class HistoricoQuery(PageQuery):
    """The usual pagination of a resource's history (oldest first)."""


def add_history_route(routes: RouteSet, path: str, *, target_type: str, roles: set[str] | frozenset[str],
                      summary: str, may_read: Callable[[RequestContext, str], None] | None = None,
                      tags: list[str] | None = None) -> None:
    """Declares ``GET <path>`` (``/memorandos/{id}/historico``): the audit records of one resource, oldest first.

    ``path`` has exactly one parameter, the target's id (the same id the use case passes to ``uow.audit``).
    ``roles`` are the roles that may read the resource itself; ``may_read(ctx, target_id)`` is the service's
    finer check (raise :class:`courtlib.errors.NotFound` / ``Forbidden``) for a person who may see only their
    own records. The answer is :class:`RegistroAuditoria` items, as ``GET /auditoria?alvo=<type>:<id>``.
    """
    params = re.findall(r"{(\w+)}", path)
    if len(params) != 1:
        raise TypeError(f"{path}: a history route has exactly one path parameter, the target's id")
    [param] = params
    chains_of: dict[str, AuditChains] = {}

    def history(ctx: RequestContext, query: HistoricoQuery, **path_params: str) -> dict[str, Any]:
        target_id = path_params[param]
        if may_read is not None:
            may_read(ctx, target_id)
        settings: ServiceSettings = ctx.deps.settings
        chains = chains_of.get(settings.table_name) or chains_of.setdefault(settings.table_name, AuditChains(settings))
        key = f"{target_type}:{target_id}"
        cursor = _resumed(ctx.decode_cursor(query.cursor), "alvo", key)
        items, last = chains.by_index("alvo", key, start=None, end=None, act=None, person=None,
                                      limit=query.limite, cursor=cursor.get("chave"))
        following = {"via": "alvo", "de": key, "chave": last} if last else None
        return {"itens": items, "proximo": ctx.next_cursor(following)}

    routes.route(path, methods=["GET"], roles=roles, query=HistoricoQuery, response=Page[RegistroAuditoria],
                 tags=tags or ["Auditoria"], summary=summary, name=f"historico_{target_type}")(history)
