"""Reads of plantao-svc that decide nothing: reference data, scales, swaps, the compensation ledger, portarias
and the public reads, shaped as the API answers them. PLAN-03 is applied here, on the clock, shift by shift:
before D−5 a shift's names (and whatever lists them: the rotation's positions, the portarias) are shown only to
those who prepare and approve the scale and to the magistrate on duty; the public reads of a shift depend, before
then, only on the calendar and the clock — never on who is designated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.plantao.codec import REFERENCE_TYPES
from chalicelib.plantao.config import plantao_config
from chalicelib.plantao.domain.embargo import PREPARERS, disclosed, disclosure_day, fully_disclosed, sees_names
from chalicelib.plantao.domain.portaria import DOCUMENTO_PRONTO, document_state
from chalicelib.plantao.domain.records import APROVADA, StoredScale
from chalicelib.plantao.domain.reference import Magistrate, ReferenceData
from chalicelib.plantao.domain.scales import Kind, Month, Plantao
from chalicelib.plantao.domain.scales import scale_id as scale_id_of
from chalicelib.plantao.ports import Clock, PortariaDocuments, Repository
from chalicelib.plantao.schemas import (
    DiaPublicoOut,
    EscalaOut,
    EscalaPublicaOut,
    ExtratoOut,
    GeracaoOut,
    LancamentoOut,
    PermutaOut,
    PlantaoOut,
    PlantaoPublicoOut,
    PortariaRef,
    UsoOut,
)

from courtlib.config import TribunalConfig
from courtlib.errors import Forbidden, NotFound
from courtlib.runs import DONE, RunRequest

REFERENCE_PARTS = {"regioes": "REGIAO", "comarcas": "COMARCA", "juizos": "JUIZO", "magistrados": "MAGISTRADO",
                   "zonas": "ZONA", "periodos_eleitorais": "PERIODO", "noturno": "NOTURNO"}


def parse_scale_id(scale_id: str) -> tuple[Month, Kind]:
    try:
        month, kind = scale_id[:7], scale_id[8:]
        return Month.parse(month), Kind(kind)
    except ValueError:
        raise NotFound(f"Escala {scale_id} não existe (use AAAA-MM-tipo).", field="escala") from None


def find_scale(repository: Repository, scale_id: str) -> StoredScale:
    month, kind = parse_scale_id(scale_id)
    stored = repository.scale(month, kind)
    if stored is None:
        raise NotFound(f"Escala {scale_id} não existe.", field="escala")
    return stored


def find_magistrate(ref: ReferenceData, magistrate_id: str, field: str = "magistrado") -> Magistrate:
    magistrate = ref.magistrate(magistrate_id)
    if magistrate is None:
        raise NotFound(f"Magistrado {magistrate_id} não cadastrado.", field=field)
    return magistrate


@dataclass(frozen=True)
class Viewer:
    """Who reads a scale and when: PLAN-03 decides, shift by shift, whether the names are shown."""

    username: str | None
    groups: frozenset[str]
    today: date
    embargo_days: int

    def sees(self, p: Plantao) -> bool:
        return sees_names(p.day, p.magistrado, self.today, self.embargo_days, viewer=self.username, groups=self.groups)

    def sees_all(self, plantoes: list[Plantao] | tuple[Plantao, ...]) -> bool:
        return bool(self.groups & PREPARERS) or fully_disclosed([p.day for p in plantoes], self.today,
                                                                 self.embargo_days)


def plantao_view(p: Plantao, served: frozenset[str], viewer: Viewer) -> PlantaoOut:
    shown = viewer.sees(p)
    return PlantaoOut(id=p.id, rotacao=p.rotation, unidade=p.unit, data=p.day, inicio=p.start, fim=p.end,
                      dia_util=p.dia_util, juizo=p.juizo if shown else None, juizo_nome=p.juizo_nome if shown else None,
                      magistrado=p.magistrado if shown else None, nome=p.nome if shown else None,
                      origem=p.origem, realizado=p.id in served,
                      divulgado=disclosed(p.day, viewer.today, viewer.embargo_days))


def portaria_link(record: Mapping[str, Any]) -> str | None:
    """The PDF's route once the document is stored (PLAN-04: produced after the approval), else None."""
    if document_state(record) != DOCUMENTO_PRONTO:
        return None
    return f"/portarias/{record['serie']}/{record['ano']}/{record['n']}/pdf"


def portaria_ref(record: Mapping[str, Any]) -> PortariaRef:
    fields = {k: record[k] for k in PortariaRef.model_fields if k in record}
    return PortariaRef(**{**fields, "documento": document_state(record), "link_pdf": portaria_link(record)})


def scale_view(stored: StoredScale, viewer: Viewer, sent: int | None = None) -> EscalaOut:
    """The scale as ``viewer`` may see it: before D−5 the names of a shift, the rotation's positions (which name
    magistrates) and the portarias (which list every day) only for those PLAN-03 allows."""
    s = stored.scale
    whole = viewer.sees_all(s.plantoes)
    return EscalaOut(id=s.id, mes=str(s.month), tipo=s.kind.value, status=stored.status, versao=stored.version,
                     gerada_em=stored.generated_at, aprovada_em=stored.approved_at, aprovada_por=stored.approved_by,
                     inicio_rotacao={k: v if whole else None for k, v in s.start.items()},
                     fim_rotacao={k: v if whole else None for k, v in s.end.items()},
                     plantoes=[plantao_view(p, stored.served, viewer) for p in s.plantoes],
                     portarias=[portaria_ref(p) for p in stored.portarias] if whole else [],
                     avisos_enviados=sent)


def generation_view(request: RunRequest, kind: Kind) -> GeracaoOut:
    scale_id = scale_id_of(Month.parse(request.competencia), kind)
    return GeracaoOut(**request.status(), escala=scale_id, tipo=kind.value,
                      link=f"/escalas/{scale_id}" if request.situacao == DONE else None)


def swap_view(data: dict[str, Any], **changes: Any) -> PermutaOut:
    return PermutaOut(**{**{k: data[k] for k in PermutaOut.model_fields if k in data}, **changes})


def use_view(data: dict[str, Any]) -> UsoOut:
    return UsoOut(**{k: data[k] for k in UsoOut.model_fields})


def public_entries(scales: list[StoredScale], today: date, embargo: int, day: date | None = None,
                   kind: str | None = None) -> list[PlantaoPublicoOut]:
    """PLAN-03: approved scales only. Before D−embargo an entry carries nothing that depends on who serves; the
    order is by (day, kind, rotation), which no designation changes."""
    out: list[tuple[tuple[Any, ...], PlantaoPublicoOut]] = []
    for stored in scales:
        if stored.status != APROVADA or (kind and stored.scale.kind.value != kind):
            continue
        for p in stored.scale.plantoes:
            if day is not None and p.day != day:
                continue
            shown = disclosed(p.day, today, embargo)
            out.append(((p.day, stored.scale.kind.value, p.rotation), PlantaoPublicoOut(
                data=p.day, tipo=stored.scale.kind.value, unidade=p.unit, inicio=p.start, fim=p.end,
                divulgacao_em=disclosure_day(p.day, embargo), divulgado=shown,
                magistrado=p.nome if shown else None, juizo=p.juizo_nome if shown else None)))
    return [entry for _, entry in sorted(out, key=lambda pair: pair[0])]


@dataclass
class PlantaoQueries:
    repository: Repository
    documents: PortariaDocuments
    config: TribunalConfig
    clock: Clock

    def today(self) -> date:
        return self.clock().astimezone(self.config.tz).date()

    @property
    def embargo_days(self) -> int:
        return plantao_config(self.config).embargo_publicacao_dias

    def viewer(self, username: str | None, groups: frozenset[str]) -> Viewer:
        return Viewer(username, groups, self.today(), self.embargo_days)

    # reference data ----------------------------------------------------------------------------------

    def reference(self) -> ReferenceData:
        return self.repository.load_reference(self.config.capital.ibge)[0]

    def reference_document(self) -> dict[str, Any]:
        """The whole reference data, every kind by its Portuguese name."""
        ref = self.reference()
        return {part: [REFERENCE_TYPES[tag].to_dict(value) for value in getattr(ref, REFERENCE_TYPES[tag].attribute)]
                for part, tag in REFERENCE_PARTS.items()}

    def reference_page(self, part: str, limit: int, after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of one kind of reference data (``regioes``, ``comarcas``, ``juizos``, ``magistrados``,
        ``zonas``) in id order, and the id to continue after when more follow. The reference data is one
        snapshot read in two calls, so the page is cut here rather than by the store."""
        spec = REFERENCE_TYPES[REFERENCE_PARTS[part]]
        values = sorted(getattr(self.reference(), spec.attribute), key=lambda value: value.id)
        if after is not None:
            values = [value for value in values if value.id > after]
        page = values[:limit]
        return [spec.to_dict(value) for value in page], (page[-1].id if len(values) > limit else None)

    # scales and swaps ----------------------------------------------------------------------------------

    def scale(self, scale_id: str) -> StoredScale:
        return find_scale(self.repository, scale_id)

    def may_read_history(self, scale_id: str, viewer: Viewer) -> None:
        """PLAN-03 for a scale's history (its records name who serves and who was replaced): read by those who
        prepare and approve the scale and, by anyone else, only once every shift of it is disclosed (D − 5).
        Before that, 403 — the same answer whoever serves."""
        stored = find_scale(self.repository, scale_id)
        if not viewer.sees_all(stored.scale.plantoes):
            raise Forbidden("O histórico da escala nomeia os plantonistas: só é aberto depois que todos os seus "
                            f"plantões são divulgados ({self.embargo_days} dias antes de cada um).", code="PLAN-03",
                            field="escala")

    def generation(self, scale_id: str) -> GeracaoOut:
        """The status of the last generation asked by hand of a scale (404 when none was asked)."""
        month, kind = parse_scale_id(scale_id)
        found = self.repository.generation_request(month, kind)
        if found is None:
            raise NotFound(f"Nenhuma geração da escala {scale_id} foi pedida.", field="escala")
        return generation_view(RunRequest.from_dict(found[0]), kind)

    def month_scales(self, month: Month) -> list[StoredScale]:
        return self.repository.month_scales(month, consistent=True)

    def swap_requests(self, scale_id: str) -> list[PermutaOut]:
        """The swap requests of a scale, pending and decided (404 when the scale does not exist)."""
        find_scale(self.repository, scale_id)
        return [swap_view(data, status=status) for data, status in self.repository.swap_requests(scale_id)]

    # portarias (PLAN-04) ---------------------------------------------------------------------------------

    def _may_read_portaria(self, record: Mapping[str, Any], viewer: Viewer) -> None:
        """PLAN-03 for a portaria: it lists its scale's whole month, so by number it is read as the scale's own
        list of portarias is shown (``scale_view``): by those who prepare and approve the scale at any time, by
        anyone else once every shift of the scale is disclosed. Before that, 403 — the same answer whoever serves."""
        stored = find_scale(self.repository, record["escala"])
        if not viewer.sees_all(stored.scale.plantoes):
            raise Forbidden(f"A {record['numero']} nomeia os plantonistas da escala: só é aberta depois que todos os "
                            f"seus plantões são divulgados ({self.embargo_days} dias antes de cada um).",
                            code="PLAN-03", field="numero")

    def portaria(self, series: str, year: int, number: int, viewer: Viewer) -> tuple[dict[str, Any], str]:
        record = self.repository.portaria(series, year, number)
        if record is None:
            raise NotFound(f"Portaria {series} nº {number}/{year} não existe.")
        self._may_read_portaria(record, viewer)
        if document_state(record) != DOCUMENTO_PRONTO:
            return record, ""  # produced after the approval: not yet
        body = self.documents.get(record["texto"])
        return record, (body or b"").decode("utf-8")

    def portaria_document(self, series: str, year: int, number: int, kind: str, viewer: Viewer) -> bytes:
        """The portaria as stored after its approval: ``kind`` ``pdf`` or ``texto`` (404 when either is missing,
        saying so when it is still being produced; 403 under the embargo, as :meth:`portaria`)."""
        record = self.repository.portaria(series, year, number)
        if record is not None:
            self._may_read_portaria(record, viewer)
        if record is not None and document_state(record) != DOCUMENTO_PRONTO:
            raise NotFound(f"O documento da {record['numero']} ainda está sendo gerado; tente em alguns instantes.")
        body = None if record is None else self.documents.get(record[kind])
        if body is None:
            raise NotFound(f"Portaria {series} nº {number}/{year} não existe.")
        return body

    # compensation (PLAN-07, PLAN-08) ---------------------------------------------------------------------

    def ledger(self, magistrate_id: str) -> ExtratoOut:
        find_magistrate(self.reference(), magistrate_id)
        ledger = self.repository.ledger(magistrate_id)
        return ExtratoOut(magistrado=magistrate_id, saldo=ledger.balance, reservado=ledger.reserved,
                          disponivel=ledger.free,
                          lancamentos=[LancamentoOut(id=e.id, data=e.day, dias=e.days, tipo=e.kind, referencia=e.ref)
                                       for e in ledger.entries],
                          usos=[use_view(u) for u in ledger.uses])

    # public reads (PLAN-03) ------------------------------------------------------------------------------

    def public_month(self, month: Month, kind: str | None) -> EscalaPublicaOut:
        today, embargo = self.today(), self.embargo_days
        scales = self.repository.published_month(month)
        portarias = sorted(p["numero"] for s in scales
                           if s.status == APROVADA and (not kind or s.scale.kind == kind)
                           and fully_disclosed([x.day for x in s.scale.plantoes], today, embargo)
                           for p in s.portarias)
        return EscalaPublicaOut(mes=str(month), hoje=today, plantoes=public_entries(scales, today, embargo, kind=kind),
                                portarias=portarias)

    def public_day(self, day: date, kind: str | None) -> DiaPublicoOut:
        today, embargo = self.today(), self.embargo_days
        scales = self.repository.published_month(Month.of(day))
        return DiaPublicoOut(data=day, hoje=today, plantoes=public_entries(scales, today, embargo, day=day, kind=kind))
