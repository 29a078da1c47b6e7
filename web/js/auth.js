// Sign-in for the staff console: Cognito's USER_PASSWORD_AUTH in AWS, the local stack's equivalent locally.
// The ID token lives in sessionStorage only (gone when the tab closes); never in localStorage or a cookie.

import { Problem, loadConfig } from "./api.js";

const KEY = "tribunal.id_token";

export function currentToken() { return sessionStorage.getItem(KEY); }
export function logout() { sessionStorage.removeItem(KEY); }

/** The token's claims (display only: the APIs verify the token, the page does not). */
export function claims(token = currentToken()) {
  if (!token) return null;
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(Uint8Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")), (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

export function groups(token = currentToken()) { return claims(token)?.["cognito:groups"] || []; }
export function username(token = currentToken()) {
  const c = claims(token) || {};
  return c["cognito:username"] || c.username || c.email?.split("@")[0] || "";
}

async function loginCognito(config, usuario, senha) {
  // AWS: InitiateAuth on the user pool's regional endpoint with the web client (no secret).
  const response = await fetch(`https://cognito-idp.${config.regiao}.amazonaws.com/`, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: config.cliente, AuthParameters: { USERNAME: usuario, PASSWORD: senha } }),
  }).catch(() => { throw new Problem({ status: 0, code: "SEM_CONEXAO", detail: "Não foi possível falar com o serviço de login." }); });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(body.__type || "");
    if (/NotAuthorized|UserNotFound/.test(type)) throw new Problem({ status: 401, code: "CREDENCIAIS_INVALIDAS", field: "senha", detail: "Usuário ou senha inválidos." });
    if (/PasswordResetRequired/.test(type)) throw new Problem({ status: 401, code: "SENHA_EXPIRADA", field: "senha", detail: "A sua senha precisa ser redefinida: procure a administração de TI." });
    throw new Problem({ status: response.status, code: "LOGIN_INDISPONIVEL", detail: "O login está indisponível no momento. Tente novamente." });
  }
  if (body.ChallengeName) throw new Problem({ status: 401, code: "DESAFIO_PENDENTE", detail: "O primeiro acesso exige trocar a senha: procure a administração de TI." });
  return body.AuthenticationResult.IdToken;
}

async function loginLocal(config, usuario, senha) {
  // The local stack: POST {usuario, senha} → {id_token}, signed by the stack's own key.
  let response;
  try {
    response = await fetch(new URL(config.url, document.baseURI), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ usuario, senha }) });
  } catch {
    throw new Problem({ status: 0, code: "SEM_CONEXAO", detail: "Não foi possível falar com o serviço de login." });
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Problem({ status: response.status, detail: "Não foi possível entrar.", ...body });
  return body.id_token;
}

export async function login(usuario, senha) {
  const config = (await loadConfig()).login || {};
  const token = config.tipo === "cognito" ? await loginCognito(config, usuario, senha) : await loginLocal(config, usuario, senha);
  sessionStorage.setItem(KEY, token);
  return token;
}
