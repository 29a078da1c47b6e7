"""Per-tribunal configuration: every number DOMAIN.md calls a regulation's value, with that value as default.

A tribunal adopts the defaults and changes what its own regulation says through a JSON document of
partial overrides (the services read it from ``TRIBUNAL_CONFIG_JSON``)::

    load_tribunal_config("TRE-MT", '{"cooperacao": {"horas_mensais_max": 30}}')

courtlib declares what is cross-cutting (tribunal, presidência, UF, capital, municípios, fuso, calendário,
dinheiro). Each service's section (``cooperacao``, ``plantao``, ``distribuicao``, ``pagamentos``) is kept raw here
and validated by the service's own model (``chalicelib/<service>/config.py``) through :meth:`TribunalConfig.section`.

Each field's comment names the rule (DOMAIN.md id) and the source it comes from.
Pure domain: no AWS imports.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from courtlib.schema import Schema

TRIBUNAL_CONFIG_ENV = "TRIBUNAL_CONFIG_JSON"

UFS: frozenset[str] = frozenset(
    "AC AL AM AP BA CE DF ES GO MA MG MS MT PA PB PE PI PR RJ RN RO RR RS SC SE SP TO".split()
)

Rounding = Literal["ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_UP"]
# The sections each service owns; their models live with the service (chalicelib/<service>/config.py).
SectionName = Literal["cooperacao", "plantao", "distribuicao", "pagamentos"]
SectionT = TypeVar("SectionT", bound=BaseModel)


class TribunalConfigError(ValueError):
    """A tribunal configuration (or an override of it) that cannot be accepted."""


# IBGE code prefix of each UF whose municipalities ship with courtlib (courtlib/data/municipios-<code>.json).
_SHIPPED_MUNICIPALITIES = {"MT": "51"}


@cache
def shipped_municipalities(uf: str) -> Mapping[str, str] | None:
    """IBGE code → official name of every municipality of ``uf``, from the data courtlib ships (read once, on
    first use); None when courtlib ships none for that UF."""
    prefix = _SHIPPED_MUNICIPALITIES.get(uf)
    if prefix is None:
        return None
    text = resources.files("courtlib").joinpath(f"data/municipios-{prefix}.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["municipios"])


class FrozenModel(Schema):
    """A configuration model: immutable, unknown keys refused (a misspelt override is an error, not ignored)."""


    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------------------------------------
# Small value types


class DiaDoAno(FrozenModel):
    """A day of the year without the year (month, day), e.g. the start of the recesso."""

    mes: int = Field(ge=1, le=12)
    dia: int = Field(ge=1, le=31)

    @model_validator(mode="after")
    def _exists(self) -> DiaDoAno:
        date(2024, self.mes, self.dia)  # leap year: 29/02 is accepted
        return self

    def as_tuple(self) -> tuple[int, int]:
        return (self.mes, self.dia)


class Horario(FrozenModel):
    """A daily time window; ``fim <= inicio`` means it ends on the next day (18h → 11h)."""

    inicio: time
    fim: time

    @property
    def vira_o_dia(self) -> bool:
        return self.fim <= self.inicio


class Municipio(FrozenModel):
    """A municipality: IBGE code (the identifier calendar entries should use) and name."""

    ibge: str = Field(pattern=r"^\d{7}$")
    nome: str = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# Areas


class RecessoConfig(FrozenModel):
    # CAL-02: recesso forense 20/12 a 06/01 inclusive (001 art. 12 §2; Lei 5.010/66 art. 62 I)
    inicio: DiaDoAno = DiaDoAno(mes=12, dia=20)
    fim: DiaDoAno = DiaDoAno(mes=1, dia=6)


class CalendarioConfig(FrozenModel):
    recesso: RecessoConfig = RecessoConfig()  # CAL-02


class DinheiroConfig(FrozenModel):
    """Money: Decimal with 2 places, ROUND_HALF_UP (DOMAIN.md)."""

    casas_decimais: int = Field(2, ge=0, le=6)
    arredondamento: Rounding = "ROUND_HALF_UP"

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.casas_decimais)

    def round(self, value: Decimal | int | str | Fraction) -> Decimal:
        """``value`` rounded to the configured places (a Fraction is divided exactly first)."""
        if isinstance(value, Fraction):
            value = Decimal(value.numerator) / Decimal(value.denominator)
        return Decimal(value).quantize(self.quantum, rounding=self.arredondamento)


# ---------------------------------------------------------------------------------------------


class PresidenciaConfig(FrozenModel):
    """Who signs the portarias and despachos (PLAN-04, PAG-10): the President's name and title as printed,
    never a login. The values below are the demo's; each tribunal sets its own (and changes them at each
    biennium)."""

    nome: str = Field("Desembargador Carlos Almeida", min_length=3)  # the demo's president (des.presidente)
    cargo: str = Field("Presidente do Tribunal Regional Eleitoral de Mato Grosso", min_length=3)


class _SectionCache(dict[tuple[str, type[BaseModel]], tuple[Any, BaseModel]]):
    """The sections already validated, each with the raw mapping it came from: a cache, not part of the
    configuration's value (two configurations with the same document are equal whatever each has validated)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SectionCache)


class TribunalConfig(FrozenModel):
    """Everything a tribunal may set differently; defaults are the regulations' values (DOMAIN.md)."""

    tribunal_id: str = "TRE-MT"
    nome: str = "Tribunal Regional Eleitoral de Mato Grosso"  # como impresso nos documentos
    presidencia: PresidenciaConfig = PresidenciaConfig()  # PLAN-04/PAG-10: quem assina portarias e despachos
    uf: str = "MT"  # CAL-01: feriados estaduais da UF do tribunal
    capital: Municipio = Municipio(ibge="5103403", nome="Cuiabá")  # PLAN-01/PLAN-04 capital × interior
    # CAL-01/PLAN-01: the municipalities of the tribunal's territory, IBGE code → official name; calendar days and
    # comarcas name one of them. None: every municipality of the UF, from the IBGE list courtlib ships (MT only).
    municipios: dict[str, str] | None = None
    timezone: str = "America/Sao_Paulo"  # DOMAIN.md: fuso de toda regra de data
    calendario: CalendarioConfig = CalendarioConfig()
    dinheiro: DinheiroConfig = DinheiroConfig()
    # Each service's section, kept raw: the service validates it with its own model through :meth:`section`, so a
    # bad value in one section is refused by that service and does not stop the others.
    cooperacao: Any = Field(default_factory=dict)
    plantao: Any = Field(default_factory=dict)
    distribuicao: Any = Field(default_factory=dict)
    pagamentos: Any = Field(default_factory=dict)
    _sections: _SectionCache = PrivateAttr(default_factory=lambda: _SectionCache())

    @field_validator("uf")
    @classmethod
    def _uf(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in UFS:
            raise ValueError(f"UF desconhecida: {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"fuso horário desconhecido: {value!r}") from exc
        return value

    @field_validator("municipios")
    @classmethod
    def _municipios(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("municipios: a lista não pode ser vazia")
        for code, name in value.items():
            if len(code) != 7 or not code.isascii() or not code.isdigit() or not name.strip():
                raise ValueError(f"municipios: {code!r} → {name!r} não é código IBGE (7 dígitos) → nome")
        return {code: name.strip() for code, name in value.items()}

    @model_validator(mode="after")
    def _registered(self) -> TribunalConfig:
        registered = self.municipios if self.municipios is not None else shipped_municipalities(self.uf)
        if registered is None:
            raise ValueError(f"municipios: não há lista de municípios embutida para a UF {self.uf}; "
                             "informe os municípios do tribunal (código IBGE → nome)")
        if self.capital.ibge not in registered:
            raise ValueError(f"a capital {self.capital.ibge} ({self.capital.nome}) não está entre os municipios")
        return self

    @property
    def municipios_registrados(self) -> Mapping[str, str]:
        """CAL-01: the tribunal's municipalities, IBGE code → official name."""
        if self.municipios is not None:
            return self.municipios
        shipped = shipped_municipalities(self.uf)
        assert shipped is not None  # the validator refused a config without them
        return shipped

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def section(self, name: SectionName, model: type[SectionT]) -> SectionT:
        """The service section ``name`` validated by the service's own ``model`` (its defaults under the
        document's partial overrides); validated once per configuration object.

        Raises :class:`TribunalConfigError` naming every offending path (``plantao.horarios...``)."""
        raw = getattr(self, name)
        cached = self._sections.get((name, model))
        if cached is not None and cached[0] is raw:
            return cast(SectionT, cached[1])
        value = _validate_section(self.tribunal_id, name, raw, model)
        self._sections[(name, model)] = (raw, value)
        return value


def _validate_section(tribunal_id: str, name: str, raw: Any, model: type[SectionT]) -> SectionT:
    if isinstance(raw, model):
        return raw
    if isinstance(raw, BaseModel):
        raw = raw.model_dump()
    if not isinstance(raw, Mapping):
        raise TribunalConfigError(
            f"configuração inválida do tribunal {tribunal_id}: {name}: deve ser um objeto, não {type(raw).__name__}")
    try:
        return model.model_validate(_deep_merge(model().model_dump(), raw))
    except ValidationError as exc:
        raise TribunalConfigError(
            f"configuração inválida do tribunal {tribunal_id}: {_describe(exc, prefix=name)}") from exc


def _deep_merge(base: dict[str, Any], overrides: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            merged[key] = _deep_merge(current, value, f"{path}{key}.")
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError, prefix: str = "") -> str:
    parts = []
    for item in error.errors():
        where = ".".join([prefix] * bool(prefix) + [str(p) for p in item["loc"]]) or "(raiz)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def load_tribunal_config(tribunal_id: str, overrides_json: str | None = None) -> TribunalConfig:
    """The defaults with ``overrides_json`` (a JSON object of deep, partial overrides) applied and validated.

    Raises :class:`TribunalConfigError` naming every offending path (unknown key, wrong type, bad value).
    """
    overrides: Any = {}
    if overrides_json is not None and overrides_json.strip():
        try:
            overrides = json.loads(overrides_json)
        except json.JSONDecodeError as exc:
            raise TribunalConfigError(f"{TRIBUNAL_CONFIG_ENV} não é JSON válido: {exc}") from exc
    if not isinstance(overrides, dict):
        raise TribunalConfigError(f"{TRIBUNAL_CONFIG_ENV} deve ser um objeto JSON, não {type(overrides).__name__}")
    declared = overrides.get("tribunal_id", tribunal_id)
    if declared != tribunal_id:
        raise TribunalConfigError(
            f"{TRIBUNAL_CONFIG_ENV} é do tribunal {declared!r}, mas o serviço roda para {tribunal_id!r}"
        )
    document = _deep_merge(TribunalConfig().model_dump(), overrides)
    document["tribunal_id"] = tribunal_id
    try:
        return TribunalConfig.model_validate(document)
    except ValidationError as exc:
        raise TribunalConfigError(f"configuração inválida do tribunal {tribunal_id}: {_describe(exc)}") from exc


def tribunal_config_from_env(environ: Mapping[str, str] | None = None) -> TribunalConfig:
    """The configuration of ``TRIBUNAL_ID`` with the overrides of ``TRIBUNAL_CONFIG_JSON``."""
    env = os.environ if environ is None else environ
    return load_tribunal_config(env.get("TRIBUNAL_ID", "TRE-MT"), env.get(TRIBUNAL_CONFIG_ENV))
