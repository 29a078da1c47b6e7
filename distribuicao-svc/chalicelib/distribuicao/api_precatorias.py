"""HTTP routes of cartas precatórias (DIST-10): zones and elections (staff), cartas (partner API), consultation.

Partners call with ``X-Parceiro-*`` signed requests (courtlib.auth.partners); a partner sees only its own
cartas, addressed by its own ``id_origem``: another partner's id answers 404, so existence does not leak.
The draw is recorded in the municipality's verifiable log ``ZONAS-<municipio>`` (DIST-11), exported by
``/sorteios/exportacao?log=ZONAS-<municipio>``; the public consultation masks secret cartas (DIST-08).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Literal

from chalice import Response
from chalicelib.distribuicao.adapters.precatorias import PrecatoriaRepository, StoredCarta, StoredZones
from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber, parse_cnj
from chalicelib.distribuicao.domain.draw import CaseData
from chalicelib.distribuicao.domain.errors import DistribuicaoError, NoEligibleJudgeError, StateError
from chalicelib.distribuicao.domain.log import SEGREDO
from chalicelib.distribuicao.domain.precatorias import MatterKind
from chalicelib.distribuicao.precatorias import CartaCommand, PrecatoriaService, ZoneSpec
from chalicelib.distribuicao.service import Busy, Conflict, Invalid, NotFound
from pydantic import BaseModel, Field, field_validator

from courtlib.auth.principal import ROLES
from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery

routes = RouteSet(service="distribuicao", title="Cartas precatórias", tag="Cartas precatórias")

MUNICIPIO = r"^[0-9]{7}$"  # código IBGE
ID_ORIGEM = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
CLASSE_CARTA = "CartPrec"


# --- models -----------------------------------------------------------------------------------


class ZonaIn(BaseModel):
    numero: int = Field(ge=1, le=999, description="Número da zona eleitoral")
    instalada_em: date = Field(description="Data de instalação (a mais antiga distribui a carta, art. 10 §1º)")


class ZonasIn(BaseModel):
    zonas: list[ZonaIn] = Field(min_length=1, max_length=50)

    @field_validator("zonas")
    @classmethod
    def _unique(cls, value: list[ZonaIn]) -> list[ZonaIn]:
        if len({z.numero for z in value}) != len(value):
            raise ValueError("zona repetida")
        return value


class ZonaOut(BaseModel):
    id: str
    numero: int
    instalada_em: date | None
    contagem: int


class ZonasOut(BaseModel):
    municipio: str
    zona_distribuidora: str
    zonas: list[ZonaOut]
    log: str
    seq: int


class EleicaoIn(BaseModel):
    zonas_propaganda: list[int] = Field(default_factory=list, max_length=200,
                                        description="Zonas designadas para a propaganda eleitoral")


class EleicaoOut(BaseModel):
    data: date
    zonas_propaganda: list[str]


class PrecatoriaIn(BaseModel):
    numero_processo: str = Field(min_length=20, max_length=25)
    municipio: str = Field(pattern=MUNICIPIO, description="Código IBGE do município deprecado")
    materia: Literal["carta", "cadastro_eleitoral", "criminal"] = "carta"
    zona_eleitor: int | None = Field(None, ge=1, le=999, description="Zona do domicílio (cadastro eleitoral)")
    partes: list[str] = Field(min_length=1, max_length=50)
    advogados: list[str] = Field(default_factory=list, max_length=50)
    segredo_justica: bool = False
    id_origem: str = Field(pattern=ID_ORIGEM, description="Identificador da carta no tribunal deprecante")

    @field_validator("partes", "advogados")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        if any(not v.strip() or len(v) > 300 for v in value):
            raise ValueError("nome vazio ou longo demais")
        return value


class SorteioPrecatoriaOut(BaseModel):
    id: str
    log: str
    seq: int
    hash: str
    regra: str
    modo: str


class PrecatoriaOut(BaseModel):
    id: str = Field(description="O id_origem do parceiro")
    numero_processo: str
    municipio: str
    materia: str
    zona: str
    zona_distribuidora: str
    segredo_justica: bool
    partes: list[str]
    advogados: list[str]
    recebida_em: str
    sorteio: SorteioPrecatoriaOut
    ja_recebida: bool = False


class ConsultaPrecatoriaOut(BaseModel):
    numero_processo: str
    juizo_deprecante: str
    municipio: str
    zona: str
    zona_distribuidora: str
    segredo_justica: bool
    partes: list[str] | str
    advogados: list[str] | str
    recebida_em: str
    sorteio: str
    prova: str


class ConsultaPrecatoriasOut(BaseModel):
    itens: list[ConsultaPrecatoriaOut]


# --- helpers ----------------------------------------------------------------------------------


def _service(ctx: RequestContext) -> PrecatoriaService:
    deps = ctx.deps
    return PrecatoriaService(PrecatoriaRepository(deps.settings), deps.seeds, clock=deps.clock,
                             config=deps.config.distribuicao, retrying=deps.service)


@contextmanager
def problems(code: str = "DIST-10") -> Iterator[None]:
    try:
        yield
    except NoEligibleJudgeError as error:
        raise ProblemError(409, "DIST-10", error.detail, motivos=error.reasons) from None
    except StateError as error:
        raise ProblemError.unprocessable(code, error.detail) from None
    except NotFound as error:
        raise ProblemError.not_found(error.detail, field=error.field) from None
    except Invalid as error:
        raise ProblemError.unprocessable(error.code, error.detail, field=error.field) from None
    except Conflict as error:
        raise ProblemError.conflict(str(error)) from None
    except Busy as error:
        raise ProblemError(503, "CONCORRENCIA", f"Muitas cartas simultâneas neste município: {error}. Tente de novo.",
                           headers={"Retry-After": "1"}) from None
    except DistribuicaoError as error:
        raise ProblemError.unprocessable(code, error.detail) from None


def _cnj(ctx: RequestContext, text: str, field: str) -> CnjNumber:
    """Any tribunal's CNJ number (cartas come from other courts), of a year already begun (DIST-01)."""
    try:
        return parse_cnj(text, latest_year=ctx.deps.clock().year)
    except CnjError as error:
        raise ProblemError.unprocessable("DIST-01", f"Número de processo inválido: {error.detail}",
                                         field=f"{field}.{error.part.value}", parte=error.part.value) from None


def _check_municipio(municipio: str) -> None:
    if not re.match(MUNICIPIO, municipio):
        raise ProblemError.unprocessable("VALIDACAO", "município deve ser o código IBGE (7 dígitos)", field="municipio")


def _zones_out(stored: StoredZones) -> ZonasOut:
    state = stored.state
    zones = state.local_zones()
    counts = state.counters.as_dict()
    return ZonasOut(
        municipio=state.municipality, zona_distribuidora=zones[0].id, log=state.log_id, seq=state.head.seq,
        zonas=[ZonaOut(id=z.id, numero=z.number, instalada_em=z.installed_on,
                       contagem=sum(counts.get(z.id, {}).values())) for z in zones],
    )


def _carta_out(row: StoredCarta, replay: bool = False) -> PrecatoriaOut:
    return PrecatoriaOut(
        id=row.origin_id, numero_processo=row.number, municipio=row.municipality, materia=row.kind, zona=row.zone,
        zona_distribuidora=row.distributor, segredo_justica=row.secret, partes=list(row.details.parties),
        advogados=list(row.details.lawyers), recebida_em=row.received_at,
        sorteio=SorteioPrecatoriaOut(id=f"{row.log_id}#{row.seq}", log=row.log_id, seq=row.seq, hash=row.record_hash,
                                     regra=row.rule, modo=row.mode),
        ja_recebida=replay,
    )


# --- reference data (staff) -------------------------------------------------------------------


@routes.route("/zonas/{municipio}", methods=["PUT"], roles={"distribuicao", "admin"}, body=ZonasIn, response=ZonasOut,
              summary="Cadastra ou substitui as zonas eleitorais de um município (DIST-10)", other_status=201)
def put_zones(ctx: RequestContext, body: ZonasIn, municipio: str) -> Response:
    _check_municipio(municipio)
    with problems("VALIDACAO"):
        stored, created = _service(ctx).put_zones(
            municipio, [ZoneSpec(z.numero, z.instalada_em) for z in body.zonas])
        out = _zones_out(stored)
    return Response(body=out.model_dump(mode="json"), status_code=201 if created else 200,
                    headers={"Location": f"/zonas/{municipio}"})


@routes.route("/zonas/{municipio}", methods=["GET"], roles=set(ROLES), response=ZonasOut,
              summary="As zonas eleitorais de um município, a zona distribuidora e as contagens (DIST-10)")
def get_zones(ctx: RequestContext, municipio: str) -> ZonasOut:
    _check_municipio(municipio)
    with problems():
        return _zones_out(_service(ctx).zones(municipio))


@routes.route("/eleicoes/{data}", methods=["PUT"], roles={"admin"}, body=EleicaoIn, response=EleicaoOut,
              summary="Registra um dia de eleição e as zonas designadas para a propaganda (DIST-10)")
def put_election(ctx: RequestContext, body: EleicaoIn, data: str) -> EleicaoOut:
    try:
        day = date.fromisoformat(data)
    except ValueError:
        raise ProblemError.unprocessable("VALIDACAO", "data inválida (AAAA-MM-DD)", field="data") from None
    election = _service(ctx).put_election(day, body.zonas_propaganda)
    return EleicaoOut(data=election.day, zonas_propaganda=sorted(election.propaganda_zones))


# --- partner API ------------------------------------------------------------------------------


@routes.route("/precatorias", methods=["POST"], partner=True, body=PrecatoriaIn, response=PrecatoriaOut, status=201,
              summary="Recebe uma carta precatória de um tribunal parceiro e a distribui entre as zonas (DIST-10); "
                      "o mesmo id_origem devolve a mesma distribuição", other_status=200)
def post_precatoria(ctx: RequestContext, body: PrecatoriaIn) -> Response:
    number = _cnj(ctx, body.numero_processo, "numero_processo")
    kind = MatterKind(body.materia)
    if kind is MatterKind.CADASTRO_ELEITORAL and body.zona_eleitor is None:
        raise ProblemError(400, "DIST-10", "Matéria do cadastro eleitoral: informe zona_eleitor.",
                           field="zona_eleitor")
    with problems():
        case = CaseData(number, CLASSE_CARTA, secret=body.segredo_justica, parties=tuple(body.partes),
                        lawyers=tuple(body.advogados))
        outcome = _service(ctx).receive(CartaCommand(
            partner=ctx.principal.partner_id, origin_id=body.id_origem, municipality=body.municipio, kind=kind,
            case=case, voter_zone=body.zona_eleitor))
    out = _carta_out(outcome.carta, replay=not outcome.created)
    return Response(body=out.model_dump(mode="json"), status_code=201 if outcome.created else 200,
                    headers={"Location": f"/precatorias/{outcome.carta.origin_id}"})


@routes.route("/precatorias/{id}", methods=["GET"], partner=True, response=PrecatoriaOut,
              summary="Uma carta precatória do próprio parceiro (a de outro parceiro responde 404)")
def get_precatoria(ctx: RequestContext, id: str) -> PrecatoriaOut:
    if not re.match(ID_ORIGEM, id):
        raise ProblemError.not_found("Carta precatória não encontrada.", field="id")
    with problems():
        return _carta_out(_service(ctx).carta(ctx.principal.partner_id, id))


@routes.route("/precatorias", methods=["GET"], partner=True, query=PageQuery, response=Page[PrecatoriaOut],
              summary="As cartas precatórias enviadas pelo parceiro, das mais antigas às mais novas (cursor)")
def list_precatorias(ctx: RequestContext, query: PageQuery) -> Page[PrecatoriaOut]:
    rows, last = _service(ctx).cartas(ctx.principal.partner_id, query.limite, ctx.decode_cursor(query.cursor))
    return Page[PrecatoriaOut](itens=[_carta_out(r) for r in rows], proximo=ctx.next_cursor(last))


# --- public (DIST-08) -------------------------------------------------------------------------


@routes.route("/precatorias/consulta/{numero}", methods=["GET"], public=True, response=ConsultaPrecatoriasOut,
              summary="Consulta pública de cartas precatórias por número (partes e advogados ocultos em segredo)")
def get_public(ctx: RequestContext, numero: str) -> ConsultaPrecatoriasOut:
    number = _cnj(ctx, numero, "numero")
    with problems():
        rows = _service(ctx).public(number.digits)
    return ConsultaPrecatoriasOut(itens=[
        ConsultaPrecatoriaOut(
            numero_processo=r.number, juizo_deprecante=r.partner, municipio=r.municipality, zona=r.zone,
            zona_distribuidora=r.distributor, segredo_justica=r.secret,
            partes=SEGREDO if r.secret else list(r.details.parties),
            advogados=SEGREDO if r.secret else list(r.details.lawyers), recebida_em=r.received_at,
            sorteio=f"{r.log_id}#{r.seq}", prova=f"/sorteios/exportacao?log={r.log_id}",
        ) for r in rows
    ])
