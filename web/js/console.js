// The staff console: sign-in, then the screens of each of the user's roles (groups of the ID token).
import { onUnauthorized } from "./api.js";
import { currentToken, groups, login, logout, username } from "./auth.js";
import { $, clearProblems, el, showMessage, showProblem } from "./ui.js";
import * as admin from "./console/admin.js";
import * as dimag from "./console/dimag.js";
import * as distribuicao from "./console/distribuicao.js";
import * as gestor from "./console/gestor.js";
import * as nucleo from "./console/nucleo.js";
import * as presidencia from "./console/presidencia.js";
import * as servidor from "./console/servidor.js";

const ROLES = {
  servidor: ["Servidor", servidor], gestor: ["Gestor de unidade", gestor], corregedoria: ["Corregedoria", nucleo],
  nucleo_cooperacao: ["Núcleo de Cooperação", nucleo], presidencia: ["Presidência", presidencia],
  distribuicao: ["Distribuição", distribuicao], dimag: ["DIMAG", dimag], admin: ["Administração", admin],
};

const aviso = $("#aviso");

function showSignedIn() {
  const token = currentToken();
  const roles = groups(token);
  $("#entrar").hidden = true;
  $("#sessao").hidden = false;
  $("#quem").textContent = `Conectado como ${username(token)} (${roles.map((r) => ROLES[r]?.[0] || r).join(", ") || "sem perfil"}).`;
  const telas = $("#telas");
  telas.replaceChildren();
  const ctx = { token: () => currentToken(), user: username(token), roles };
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

onUnauthorized(() => showSignedOut("A sua sessão expirou ou não é mais válida. Entre novamente para continuar.", "aviso"));

if (currentToken()) showSignedIn(); else showSignedOut("");
