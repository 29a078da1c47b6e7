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
  // cooperacao-svc
  "COOP.PEDIDO": "Solicitação de cooperação",
  "COOP.SOLICITAR": "Solicitação de cooperação",
  "COOP.DECISAO": "Decisão sobre a cooperação",
  "COOP.DECIDIR": "Decisão sobre a cooperação",
  "COOP.DEFERIR": "Deferimento da cooperação",
  "COOP.INDEFERIR": "Indeferimento da cooperação",
  "COOP.PRORROGAR": "Prorrogação da cooperação",
  "COOP.PRORROGACAO": "Prorrogação da cooperação",
  "COOP.TERMINAR": "Término antecipado da cooperação",
  "COOP.TERMINO": "Término antecipado da cooperação",
  "COOP.ENCERRAR": "Encerramento da cooperação",
  "COOP.PONTO": "Registro de ponto",
  "COOP.PONTO.REGISTRAR": "Registro de ponto",
  "COOP.FECHAMENTO": "Fechamento do mês",
  "COOP.FECHAR_MES": "Fechamento do mês",
  "COOP.IMPORTAR": "Importação de cooperações",
  "COOP.PEDIDO_JUDICIAL": "Pedido de cooperação judiciária",
  "COOP.NUCLEO.DELIBERAR": "Deliberação do Núcleo de Cooperação",
  "COOP.DELIBERACAO": "Deliberação do Núcleo de Cooperação",
  "COOP.ATO.REGISTRAR": "Registro de ato de cooperação",
  // plantao-svc and the calendar
  "PLAN.ESCALA.GERAR": "Geração da escala",
  "PLAN.ESCALA.REGERAR": "Nova geração da escala",
  "PLAN.ESCALA.APROVAR": "Aprovação da escala",
  "PLAN.ESCALA.NOVOS_DIAS": "Inclusão de novos dias na escala",
  "PLAN.PERMUTA": "Pedido de permuta",
  "PLAN.PERMUTA.PEDIR": "Pedido de permuta",
  "PLAN.PERMUTA.APROVAR": "Aprovação de permuta",
  "PLAN.IMPEDIMENTO": "Impedimento de plantonista",
  "PLAN.COMPENSACAO.CREDITO": "Crédito de compensação",
  "PLAN.COMPENSACAO.USO": "Uso de compensação",
  "PLAN.COMPENSACAO.APROVAR": "Aprovação de uso de compensação",
  "PLAN.NOTURNO.CANDIDATURA": "Candidatura ao plantão noturno",
  "PLAN.NOTURNO.DEFINIR": "Definição do plantão noturno",
  "PLAN.ROTACAO": "Alteração da rotação",
  "PLAN.REFERENCIA.IMPORTAR": "Importação dos dados de referência",
  "CAL.DIA.REGISTRAR": "Registro de dia sem expediente",
  "CAL.DIA.CADASTRAR": "Registro de dia sem expediente",
  "CAL.DIA.ALTERAR": "Alteração de dia sem expediente",
  "CAL.DIA.EXCLUIR": "Exclusão de dia sem expediente",
  "CAL.DIA.REMOVER": "Exclusão de dia sem expediente",
  // distribuicao-svc
  "DIST.DISTRIBUIR": "Distribuição",
  "DIST.DISTRIBUIR.MANUAL": "Sorteio manual",
  "DIST.MANUAL": "Sorteio manual",
  "DIST.REDISTRIBUIR": "Redistribuição",
  "DIST.NUMERAR": "Numeração de processo",
  "DIST.PRECATORIA": "Recebimento de carta precatória",
  "DIST.ORGAO.ALTERAR": "Alteração do órgão",
  "DIST.AUSENCIA": "Registro de ausência",
  "DIST.SEMENTE.REVELAR": "Revelação da semente do dia",
  // pagamentos-svc
  "PAG.EXECUCAO": "Execução do mês",
  "PAG.EXECUTAR": "Execução do mês",
  "PAG.MEMO.GERAR": "Geração do memorando",
  "PAG.MEMO.EDITAR": "Edição do memorando",
  "PAG.MEMO.ASSINAR": "Assinatura do memorando",
  "PAG.MEMO.ENVIAR": "Envio do memorando à folha",
  "PAG.ESTACIONADO.REPROCESSAR": "Reprocessamento de evento estacionado",
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
