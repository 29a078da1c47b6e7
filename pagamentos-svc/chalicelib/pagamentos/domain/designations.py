"""The refusals of a designation (PAG-01/02/04/05/06, overlaps), pure: checked before anything is written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chalicelib.pagamentos.config import pagamentos_config
from chalicelib.pagamentos.domain.model import Designation, Person

from courtlib.config import TribunalConfig
from courtlib.errors import Conflict, CourtError, Invalid, Refusal

MAX_DESIGNATION_MONTHS = 24  # a longer designation is registered as successive ones (keeps one transaction)
FRACTIONS = {"1/3", "1/6"}


def require_magistrate(person: Person | None, person_id: str, field: str = "pessoa") -> Person:
    if person is None:
        raise Refusal("PESSOA_DESCONHECIDA", f"{person_id} não está cadastrado em pagamentos.", field=field)
    if person.kind != "magistrado":
        raise Invalid(f"{person_id} não é magistrado.", field=field)
    return person


def check_designation(d: Designation, person: Person, config: TribunalConfig) -> None:
    """The refusals of ``d`` for the magistrate ``person`` (422)."""
    if len(d.period.months()) > MAX_DESIGNATION_MONTHS:
        raise Invalid(f"período maior que {MAX_DESIGNATION_MONTHS} meses: registre designações sucessivas.",
                      field="fim")
    if d.kind == "substituicao" and not d.entrancia_destino:
        raise Refusal("PAG-05", "substituição sem a entrância do juízo substituído.", field="entrancia_destino")
    if d.kind == "diarias" and not d.municipio:
        raise Refusal("PAG-06", "designação com diárias sem o município do serviço.", field="municipio")
    if d.kind == "funcao":
        known = pagamentos_config(config).tabela_em(d.period.start).funcoes
        if d.funcao not in known:
            raise Refusal("PAG-01", f"função sem valor na tabela: {d.funcao!r} (conhecidas: "
                                    f"{', '.join(sorted(known))}).", field="funcao")
    if d.kind == "convocacao" and person.second_degree:
        raise Refusal("PAG-04", "convocação é de juiz de primeiro grau para o Tribunal.", field="pessoa")
    if d.fracao is not None and f"{d.fracao.numerator}/{d.fracao.denominator}" not in FRACTIONS:
        raise Refusal("PAG-02", "a fração da cumulação é 1/3 ou 1/6.", field="fracao")


def competes(d: Designation, other_person: str) -> bool:
    """Whether a designation of the same kind and juízo for ``other_person`` excludes ``d`` in time: several
    judges may aid the same juízo at once, so for ``auxilio`` only the same judge's aids compete."""
    return bool(d.kind != "auxilio" or other_person == d.person)


def check_overlap(d: Designation, stored: Iterable[Mapping[str, Any]]) -> None:
    """409 if ``d`` overlaps a stored designation (index entries of its juízo and kind)."""
    for other in stored:
        if other["id"] == d.id or not competes(d, other["pessoa"]):
            continue
        if other["inicio"] <= d.period.end.isoformat() and d.period.start.isoformat() <= other["fim"]:
            raise Conflict(f"o juízo {d.juizo} já tem designação de {d.kind} de {other['pessoa']} de "
                           f"{other['inicio']} a {other['fim']} que se sobrepõe a este período.",
                           code="DESIGNACAO_SOBREPOSTA", field="inicio")


def check_batch_overlaps(designations: Sequence[Designation], index: int) -> None:
    """409 if the ``index``-th designation of a batch overlaps an earlier one of the same batch."""
    d = designations[index]
    for position, other in enumerate(designations[:index]):
        if other.juizo == d.juizo and other.kind == d.kind and other.period.overlaps(d.period) \
                and competes(d, other.person):
            raise Conflict(f"designações {position} e {index} se sobrepõem no juízo {d.juizo}.",
                           code="DESIGNACAO_SOBREPOSTA", field=f"designacoes[{index}]")


def in_batch(error: CourtError, index: int, field: str) -> CourtError:
    """``error`` about the ``index``-th designation of a batch: the same kind and code, the detail and field
    naming the item."""
    moved = type(error).__new__(type(error))
    moved.__dict__.update(error.__dict__)
    moved.detail = f"designação {index}: {error.detail}"
    moved.field = field
    Exception.__init__(moved, f"{moved.code}: {moved.detail}")
    return moved
