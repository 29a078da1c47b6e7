"""Demo data of cooperacao-svc: the shared demo units and servants, the annexes, a CGJ portaria, one act.

Run by ``devstack.demo.seed`` as the admin demo user (every route below accepts ``admin``). What a person
does next in the demo: ``servidor.ana`` (efetiva, Direito, lotação 1VC-CBA, no commissioned post) may request
M4 cooperation in her own unit 1VC-CBA (COOP-04 allows it) or M3 in 2VC-CBA (portaria below);
``servidor.bruno`` (efetivo, assessor de gabinete at GAB-C3) may request M4 in 1VC-CBA but not M3 (COOP-03).
Every unit that takes cooperators has a manager among the demo users, so every request can be decided:
``gestor.vara1`` manages 1VC-CBA, ``gestor.vara2`` 2VC-CBA, ``gestor.gab3`` GAB-C3 (COOP-10);
``corregedor`` confirms M2/M3.
"""

from __future__ import annotations

from devstack.seeding import SeedStep

CUIABA = "5103403"

_UNITS = [
    ("1VC-CBA", {"nome": "1ª Vara Cível de Cuiabá", "tipo": "cartorio", "predio": "Fórum de Cuiabá",
                 "gestor": "gestor.vara1", "municipio": CUIABA}),
    ("2VC-CBA", {"nome": "2ª Vara Cível de Cuiabá", "tipo": "cartorio", "predio": "Fórum de Cuiabá",
                 "gestor": "gestor.vara2", "municipio": CUIABA}),
    ("GAB-C3", {"nome": "Gabinete da Cadeira 3 (Juiz Paulo Henrique Costa)", "tipo": "gabinete",
                "predio": "Sede do Tribunal", "gestor": "gestor.gab3", "municipio": CUIABA}),
]

_SERVANTS = [
    ("servidor.ana", {"nome": "Ana Servidora", "efetivo": True, "graduacao_direito": True, "lotacao": "1VC-CBA",
                      "jornada_inicio": "12:00:00", "jornada_fim": "19:00:00"}),
    ("servidor.bruno", {"nome": "Bruno Servidor", "efetivo": True, "cargo_comissao": "assessor_gabinete",
                        "graduacao_direito": True, "lotacao": "GAB-C3", "jornada_inicio": "12:00:00",
                        "jornada_fim": "19:00:00"}),
]

SEED_STEPS: list[SeedStep] = [
    # Steps of one batch run side by side (devstack.seeding.SeedStep): each writes its own item.
    *(SeedStep("cooperacao", "PUT", f"/unidades/{uid}", body, batch="unidades") for uid, body in _UNITS),
    *(SeedStep("cooperacao", "PUT", f"/servidores/{sid}", body, batch="servidores") for sid, body in _SERVANTS),
    # COOP-09: 002's final date (31/12/2025) is past; the demo tribunal extended its norm.
    SeedStep("cooperacao", "PUT", "/norma", {"data_final": "2027-12-31"}),
    SeedStep("cooperacao", "PUT", "/anexos/I", {"unidades": {"GAB-C3": 2}}, batch="anexos"),
    SeedStep("cooperacao", "PUT", "/anexos/IV", {"unidades": {"1VC-CBA": 2, "2VC-CBA": 2}}, batch="anexos"),
    SeedStep("cooperacao", "PUT", "/anexos/V", {"unidades": {"GAB-C3": 1, "2VC-CBA": 1}}, batch="anexos"),
    SeedStep("cooperacao", "PUT", "/portarias/CGJ-2026-12-M3", {
        "modalidade": "M3", "inicio": "2026-12-01", "fim": "2026-12-31", "unidades": {"2VC-CBA": 5}},
        batch="portarias"),
    SeedStep("cooperacao", "PUT", "/portarias/CGJ-2027-01-M3", {
        "modalidade": "M3", "inicio": "2027-01-01", "fim": "2027-01-31", "unidades": {"2VC-CBA": 5}},
        batch="portarias"),
    # COOP-12: the public register starts with an agreement like those of 000.
    SeedStep("cooperacao", "POST", "/registro/atos", {
        "tipo": "acordo_cooperacao_tecnica",
        "titulo": "Acordo de Cooperação Técnica com o Tribunal de Contas do Estado",
        "resumo": "Intercâmbio de informações e de bases de dados para a fiscalização de contas eleitorais.",
        "partes": ["TRE-MT", "TCE-MT"], "numero": "SEI 0007289-34.2026.6.11.8000", "data": "2026-03-10"}),
    SeedStep("cooperacao", "POST", "/registro/atos", {
        "tipo": "boa_pratica", "titulo": "Oitivas por videoconferência entre zonas eleitorais",
        "resumo": "Ato concertado para a oitiva de testemunhas residentes em outra zona sem carta precatória.",
        "partes": ["1ª ZE", "2ª ZE"], "data": "2026-06-01"}),
]
