"""Request bodies and queries of pagamentos-svc's HTTP API (pydantic), with their mapping to domain objects.

Field names are the API's (Portuguese, as documented in docs/pagamentos.md); ``domain()`` builds the domain object.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from fractions import Fraction
from typing import Literal

from chalicelib.pagamentos.domain.model import (
    Attendance,
    Designation,
    Period,
    Person,
    RenouncedVacation,
    Session,
    Vacation,
)
from pydantic import Field, field_validator, model_validator

from courtlib.errors import Invalid
from courtlib.http.validation import MONTH_PATTERN, FieldError, end_not_before_start
from courtlib.schema import Schema

ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class PessoaIn(Schema):
    nome: str = Field(min_length=3, max_length=200)
    tipo: Literal["magistrado", "servidor"]
    cargo: Literal["desembargador", "jds", "juiz", "juiz_substituto", "membro", "servidor"]
    entrancia: Literal["inicial", "final", "especial"] | None = None
    juizo: str | None = Field(None, pattern=ID, description="Juízo ou unidade de lotação (1VC-CBA, GAB-C3…)")
    municipio: str | None = Field(None, pattern=r"^\d{7}$", description="IBGE do município de exercício")
    funcao_tre: Literal["presidente", "corregedor", "membro"] | None = None

    @model_validator(mode="after")
    def _coherent(self) -> PessoaIn:
        if (self.tipo == "servidor") != (self.cargo == "servidor"):
            raise FieldError("cargo", "servidor tem cargo 'servidor'; magistrado, um cargo da magistratura")
        if self.cargo == "juiz" and self.entrancia is None:
            raise FieldError("entrancia", "juiz titular precisa da entrância")
        return self

    def domain(self, person_id: str) -> Person:
        if not re.match(ID, person_id):
            raise Invalid("matrícula inválida", field="pessoa")
        return Person(person_id, self.nome, self.tipo, self.cargo, self.entrancia, self.juizo, self.municipio,
                      self.funcao_tre)


class PessoaImportadaIn(PessoaIn):
    id: str = Field(pattern=ID)


class PeriodoIn(Schema):
    inicio: date
    fim: date

    _ordered = field_validator("fim")(end_not_before_start)


class DesignacaoIn(PeriodoIn):
    id: str | None = Field(None, pattern=ID, description="Opcional (importação): repetir o mesmo id não duplica")
    tipo: Literal["cumulacao", "auxilio", "convocacao", "substituicao", "diarias", "funcao"]
    pessoa: str = Field(pattern=ID)
    juizo: str = Field(pattern=ID, description="Juízo cumulado/auxiliado/substituído, câmara, ou o posto")
    municipio: str | None = Field(None, pattern=r"^\d{7}$")
    fracao: Literal["1/3", "1/6"] | None = Field(None, description="PAG-02; padrão 1/3 (cumulação), 1/6 (auxílio)")
    gera_cumulacao: bool = Field(False, description="auxílio que gera cumulação ao juiz auxiliar (PAG-02)")
    quorum: bool = Field(False, description="convocação só para compor quórum: sem acréscimo (PAG-04)")
    prejuizo: bool = Field(False, description="convocação com prejuízo das funções")
    entrancia_destino: Literal["inicial", "final", "especial"] | None = None
    plena: bool = Field(False, description="substituição plena (conta para os 6 meses do PAG-05)")
    funcao: str | None = Field(None, max_length=60, description="posto com acréscimo mensal (direcao_foro…)")
    portaria: str | None = Field(None, max_length=120)

    def domain(self) -> Designation:
        return Designation(self.id or new_id(), self.tipo, self.pessoa, self.juizo, Period(self.inicio, self.fim),
                           self.municipio, Fraction(self.fracao) if self.fracao else None, self.gera_cumulacao,
                           self.quorum, self.prejuizo, self.entrancia_destino, self.plena, self.funcao, self.portaria)


class ImportacaoIn(Schema):
    pessoas: list[PessoaImportadaIn] = Field(default_factory=list, max_length=10_000)
    designacoes: list[DesignacaoIn] = Field(default_factory=list, max_length=2_000)


class FeriasIn(PeriodoIn):
    id: str | None = Field(None, pattern=ID)
    pessoa: str = Field(pattern=ID)

    def domain(self) -> Vacation:
        return Vacation(self.id or new_id(), self.pessoa, Period(self.inicio, self.fim))


class FeriasRenunciadasIn(Schema):
    id: str | None = Field(None, pattern=ID)
    pessoa: str = Field(pattern=ID)
    dias: int = Field(ge=1, le=60)
    autorizado_em: date = Field(description="Data da autorização do Presidente (competência do pagamento)")
    periodo_aquisitivo: str = Field("", max_length=20)

    def domain(self) -> RenouncedVacation:
        return RenouncedVacation(self.id or new_id(), self.pessoa, self.dias, self.autorizado_em,
                                 self.periodo_aquisitivo)


class PresencaIn(Schema):
    membro: str = Field(pattern=ID)
    situacao: Literal["presente", "ausente", "ferias", "licenca", "representacao", "correicao"]
    autorizado_pleno: bool = Field(False, description="juiz autorizado pelo Pleno a representar o Presidente")


class SessaoIn(Schema):
    id: str = Field(pattern=ID, description="Número da sessão")
    data: date
    presencas: list[PresencaIn] = Field(min_length=1, max_length=30)

    def domain(self) -> Session:
        return Session(self.id, self.data, tuple(Attendance(p.membro, p.situacao, p.autorizado_pleno)
                                                 for p in self.presencas))


class ExecucaoIn(Schema):
    competencia: str | None = Field(None, pattern=MONTH_PATTERN, description="Padrão: o mês anterior")


class CompetenciaQuery(Schema):
    competencia: str = Field(pattern=MONTH_PATTERN)


class EdicaoIn(Schema):
    observacao: str = Field(max_length=2000)


class ListaQuery(Schema):
    limite: int = Field(100, ge=1, le=200)
    cursor: str | None = None


class CsvQuery(Schema):
    formato: Literal["planilha", "simples"] = Field(
        "planilha", description="planilha: ';', vírgula decimal e BOM UTF-8 (Excel/LibreOffice pt-BR); "
                                "simples: ',', ponto decimal, sem BOM (programas)")
