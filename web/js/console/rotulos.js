// Portuguese labels of what the audit records name by code: the roles and the acts (docs/auditoria.md).
// A code missing here is shown as the code itself: a new act of a service never breaks the console.

export const PAPEIS = {
  servidor: "Servidor", gestor: "Gestor de unidade", corregedoria: "Corregedoria",
  nucleo_cooperacao: "Núcleo de Cooperação", presidencia: "Presidência", distribuicao: "Distribuição",
  dimag: "DIMAG", admin: "Administração",
};

export const ATOS = {
  // every service (courtlib)
  "ADM.PARCEIRO.CHAVE.CADASTRAR": "Cadastro da chave do tribunal parceiro",
  "ADM.PARCEIRO.CHAVE.TROCAR": "Troca da chave do tribunal parceiro",
  "ADM.PARCEIRO.CHAVE.REVOGAR": "Revogação da chave do tribunal parceiro",
  "ADM.DLQ.REPROCESSAR": "Reprocessamento da fila de mensagens mortas",
  // the calendar (courtlib, served by plantao-svc; the other services keep a copy)
  "CAL.DIA.REGISTRAR": "Registro de dia sem expediente",
  "CAL.DIA.REMOVER": "Exclusão de dia sem expediente",
  "CAL.DIA.COPIAR": "Cópia de dia sem expediente recebida",
  "CAL.DIA.REMOVER_COPIA": "Exclusão da cópia de dia sem expediente",
  // cooperacao-svc
  "COOP.COOPERACAO.REQUERER": "Solicitação de cooperação",
  "COOP.COOPERACAO.DECIDIR": "Decisão sobre a cooperação",
  "COOP.COOPERACAO.PRORROGAR": "Prorrogação da cooperação",
  "COOP.COOPERACAO.ENCERRAR": "Término antecipado da cooperação",
  "COOP.COOPERACAO.IMPORTAR": "Importação de cooperações",
  "COOP.PONTO.REGISTRAR": "Registro de ponto",
  "COOP.FECHAMENTO.SOLICITAR": "Fechamento do mês solicitado",
  "COOP.FECHAMENTO.APURAR": "Fechamento do mês",
  "COOP.PEDIDO_JUDICIAL.RECEBER": "Recebimento de pedido de cooperação judiciária",
  "COOP.PEDIDO_JUDICIAL.DELIBERAR": "Deliberação sobre pedido de cooperação judiciária",
  "COOP.REGISTRO.PUBLICAR": "Publicação no registro de atos de cooperação",
  "COOP.AFASTAMENTO.REGISTRAR": "Registro de afastamento",
  "COOP.DESIGNACAO.REGISTRAR": "Registro de designação",
  "COOP.ANEXO.SUBSTITUIR": "Substituição de anexo",
  "COOP.NORMA.PRAZO": "Alteração dos prazos da norma",
  "COOP.PORTARIA.CADASTRAR": "Cadastro de portaria",
  "COOP.SERVIDOR.CADASTRAR": "Cadastro de servidor",
  "COOP.UNIDADE.CADASTRAR": "Cadastro de unidade",
  "COOP.REFERENCIA.IMPORTAR": "Importação de dados de referência",
  // plantao-svc
  "PLAN.ESCALA.GERAR": "Geração da escala",
  "PLAN.ESCALA.GERACAO.SOLICITAR": "Pedido de geração da escala",
  "PLAN.ESCALAS.GERACAO_MENSAL": "Geração mensal das escalas",
  "PLAN.ESCALA.REGERAR": "Nova geração da escala",
  "PLAN.ESCALA.APROVAR": "Aprovação da escala",
  "PLAN.ESCALA.NOVOS_DIAS": "Inclusão de novos dias na escala",
  "PLAN.PERMUTA.SOLICITAR": "Pedido de permuta",
  "PLAN.PERMUTA.APROVAR": "Aprovação de permuta",
  "PLAN.IMPEDIMENTO": "Impedimento de plantonista",
  "PLAN.PORTARIA.PUBLICAR": "Publicação da portaria (documento e avisos)",
  "PLAN.PLANTOES.REALIZADOS": "Registro dos plantões realizados",
  "PLAN.COMPENSACAO.CREDITAR": "Crédito de compensação",
  "PLAN.COMPENSACAO.USO.SOLICITAR": "Pedido de uso de compensação",
  "PLAN.COMPENSACAO.USO.APROVAR": "Aprovação de uso de compensação",
  "PLAN.NOTURNO.CANDIDATURA": "Candidatura ao plantão noturno",
  "PLAN.NOTURNO.DESIGNAR": "Designação do plantão noturno",
  "PLAN.ROTACAO.CONTINUAR": "Continuação da rotação",
  "PLAN.REFERENCIA.IMPORTAR": "Importação de dados de referência",
  // distribuicao-svc
  "DIST.DISTRIBUIR": "Distribuição",
  "DIST.REDISTRIBUIR": "Redistribuição",
  "DIST.SORTEIO_MANUAL.REGISTRAR": "Registro de sorteio manual",
  "DIST.PRECATORIA.DISTRIBUIR": "Distribuição de carta precatória",
  "DIST.PRECATORIA.REGISTRAR": "Registro de carta precatória (aguarda o farol)",
  "DIST.NUMERACAO.GERAR": "Numeração de processo",
  "DIST.SEMENTE.PUBLICAR": "Publicação da semente do dia",
  "DIST.SEMENTE.ABRIR": "Abertura da semente selada",
  "DIST.REGISTRAR": "Registro para sorteio (aguarda o farol)",
  "DIST.REGISTRO.RECUSAR": "Registro recusado na resolução",
  "DIST.EDITAL.PUBLICAR": "Publicação de edital",
  "DIST.AUSENCIA.REGISTRAR": "Registro de ausência",
  "DIST.AUSENCIA.APLICAR": "Aplicação de ausência",
  "DIST.ORGAO.CADASTRAR": "Cadastro de órgão",
  "DIST.ORGAO.ALTERAR": "Alteração de órgão",
  "DIST.ORGAO.IMPORTAR": "Importação de órgãos",
  "DIST.ZONAS.CADASTRAR": "Cadastro das zonas eleitorais",
  "DIST.ELEICAO.CADASTRAR": "Cadastro de eleição",
  // pagamentos-svc
  "PAG.EXECUCAO.SOLICITAR": "Execução do mês solicitada",
  "PAG.EXECUCAO.MENSAL": "Execução do mês",
  "PAG.MEMO.EDITAR": "Edição do memorando",
  "PAG.MEMO.ASSINAR": "Assinatura do memorando",
  "PAG.MEMO.ENVIAR": "Envio do memorando à folha",
  "PAG.EVENTO.ESTACIONAR": "Evento estacionado",
  "PAG.EVENTO.REPROCESSAR": "Reprocessamento de evento estacionado",
  "PAG.IMPORTACAO": "Importação de dados de pagamento",
  "PAG.PESSOA.CADASTRAR": "Cadastro de pessoa",
  "PAG.DESIGNACAO.REGISTRAR": "Registro de designação",
  "PAG.AFASTAMENTO.REGISTRAR": "Registro de afastamento",
  "PAG.FERIAS.REGISTRAR": "Registro de férias",
  "PAG.FERIAS_RENUNCIADAS.REGISTRAR": "Registro de férias renunciadas",
  "PAG.SESSAO.REGISTRAR": "Registro de sessão",
  "PAG.PLANTAO.REGISTRAR": "Registro de plantão",
  "PAG.COMPENSACAO.REGISTRAR": "Registro de compensação",
  "PAG.GRATIFICACAO_COOPERACAO.REGISTRAR": "Registro de horas de cooperação",
};

/** The act's label in Portuguese; an unknown code is shown as it is. */
export function atoLabel(code) {
  return ATOS[code] || code || "—";
}

export function papelLabel(role) {
  return PAPEIS[role] || role;
}

/** Who acted, as a person reads it: "admin.ti (Administração)", "Tribunal parceiro TJSC", "Sistema — agenda fechar-mes". */
export function quemLabel(quem) {
  if (!quem || typeof quem !== "object") return "—";
  const id = String(quem.id || "");
  if (quem.tipo === "parceiro") return `Tribunal parceiro ${quem.nome || id.replace(/^parceiro:/, "")}`;
  if (quem.tipo === "sistema") {
    const source = String(quem.nome || id.replace(/^sistema:/, ""));
    const m = /^(agenda|evento):(.*)$/.exec(source);
    return m ? `Sistema — ${m[1]} ${m[2]}` : `Sistema — ${source}`;
  }
  const papeis = (Array.isArray(quem.papeis) ? quem.papeis : []).map(papelLabel);
  return `${quem.nome || id}${papeis.length ? ` (${papeis.join(", ")})` : ""}`;
}
