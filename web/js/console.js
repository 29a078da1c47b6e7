// The staff console: sign-in, then the screens of each of the user's roles (groups of the ID token);
// "#auditoria" is the Auditoria screen (corregedoria, admin), in the menu only for them.
import { onUnauthorized, sincronizarHoje } from "./api.js";
import { currentToken, groups, login, logout, username } from "./auth.js";
import { $, clearProblems, el, fill, showMessage, showProblem } from "./ui.js";
import * as admin from "./console/admin.js";
import * as auditoria from "./console/auditoria.js";
import * as dimag from "./console/dimag.js";
import * as distribuicao from "./console/distribuicao.js";
import * as gestor from "./console/gestor.js";
import * as nucleo from "./console/nucleo.js";
import * as presidencia from "./console/presidencia.js";
import * as servidor from "./console/servidor.js";
import { PAPEIS } from "./console/rotulos.js";

const SCREENS = {
  servidor, gestor, corregedoria: nucleo, nucleo_cooperacao: nucleo, presidencia, distribuicao, dimag, admin,
};
const ROLES = Object.fromEntries(Object.entries(SCREENS).map(([role, module]) => [role, [PAPEIS[role], module]]));

const aviso = $("#aviso");
let shownAudit = null;  // which of the two views showSignedIn drew last

async function showSignedIn() {
  await sincronizarHoje();  // the screens' date fields start at the court's today, not the browser's
  const token = currentToken();
  if (!token) return;  // signed out while the date was read
  const roles = groups(token);
  $("#entrar").hidden = true;
  $("#sessao").hidden = false;
  $("#quem").textContent = `Conectado como ${username(token)} (${roles.map((r) => ROLES[r]?.[0] || r).join(", ") || "sem perfil"}).`;
  const menu = $("#menu-console");
  fill(menu, el("ul", {},
    el("li", {}, el("a", { href: "#telas" }, "Minhas telas")),
    auditoria.mayAudit(roles) ? el("li", {}, el("a", { href: "#auditoria" }, "Auditoria")) : null));
  menu.hidden = false;
  const telas = $("#telas");
  telas.replaceChildren();
  const ctx = { token: () => currentToken(), user: username(token), roles };
  const onAudit = location.hash === "#auditoria";
  shownAudit = onAudit;
  menu.querySelectorAll("a").forEach((a) => {
    if ((a.getAttribute("href") === "#auditoria") === onAudit) a.setAttribute("aria-current", "page");
  });
  if (onAudit) {  // the Auditoria screen alone (for another role, its refusal)
    telas.append(...auditoria.screens(ctx));
    return;
  }
  for (const role of roles) {
    const entry = ROLES[role];
    if (!entry) continue;
    telas.append(el("h2", { class: "perfil" }, entry[0]), ...entry[1].screens({ ...ctx, role }));
  }
  if (!telas.children.length) telas.append(el("p", {}, "O seu perfil não tem telas neste console."));
}

function showSignedOut(message, kind = "") {
  logout();
  $("#telas").replaceChildren();
  $("#menu-console").hidden = true;
  $("#sessao").hidden = true;
  $("#entrar").hidden = false;
  if (message) {
    showMessage(aviso, message, kind);
    $("#usuario").focus();  // after a logout or an expired session: straight back to the form
  } else {
    showMessage(aviso, "");
  }
}

$("#login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearProblems(form);
  const usuario = form.usuario.value.trim(), senha = form.senha.value;
  if (!usuario) { showProblem(form, { field: "usuario", detail: "Informe a matrícula.", code: "LOGIN_INVALIDO" }); return; }
  if (!senha) { showProblem(form, { field: "senha", detail: "Informe a senha.", code: "LOGIN_INVALIDO" }); return; }
  try {
    await login(usuario, senha);
    form.senha.value = "";
    showMessage(aviso, "");
    showSignedIn();
  } catch (problem) {
    showProblem(form, problem);
  }
});

$("#sair").addEventListener("click", () => showSignedOut("Você saiu da área restrita.", "sucesso"));

// A session past its time says so (TOKEN_EXPIRADO: the API's detail); any other refused token, the generic text.
onUnauthorized((problem) => showSignedOut(problem && problem.code === "TOKEN_EXPIRADO" ? problem.detail
  : "A sua sessão expirou ou não é mais válida. Entre novamente para continuar.", "aviso"));

// Moving between "Minhas telas" and "Auditoria" (menu, back/forward, a typed address) redraws the screens.
window.addEventListener("hashchange", () => {
  const audit = location.hash === "#auditoria";
  if (audit === shownAudit || !currentToken()) return;
  showSignedIn();
  const heading = $("#telas h2");
  if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
});

if (currentToken()) showSignedIn(); else showSignedOut("");
