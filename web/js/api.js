// Calls to the four services' public HTTP APIs, as any third-party frontend would.
// The API origins come from config.json (written at deploy time; served by the local stack locally).

import { definirHoje, hoje } from "./ui.js";

let configPromise = null;

export function loadConfig() {
  if (!configPromise) {
    configPromise = fetch(new URL("config.json", document.baseURI), { cache: "no-store" }).then((r) => {
      if (!r.ok) throw new Problem({ status: r.status, code: "CONFIGURACAO", detail: "Não foi possível carregar a configuração do portal (config.json)." });
      return r.json();
    });
  }
  return configPromise;
}

/** A refusal of the API (RFC 9457 problem+json) or a failure to reach it, always with a Portuguese detail. */
export class Problem extends Error {
  constructor(body) {
    super(body.detail || body.title || "Erro");
    this.status = body.status ?? 0;
    this.code = body.code || "";
    this.field = body.field || null;
    this.detail = body.detail || body.title || "A operação não pôde ser concluída.";
    this.title = body.title || "";
    this.correlationId = body.correlation_id || null;
    this.body = body;
  }
}

const GENERIC = {
  400: "A requisição não é válida.",
  401: "A sua sessão expirou ou não é válida. Entre novamente.",
  403: "O seu perfil não tem acesso a esta operação.",
  404: "Não encontrado.",
  409: "A operação conflita com o estado atual.",
  422: "Os dados informados não foram aceitos.",
  429: "Muitas requisições: aguarde um instante e tente de novo.",
  503: "O serviço está temporariamente indisponível. Tente novamente em instantes.",
};

async function problemFrom(response) {
  let body = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try { body = await response.json(); } catch { body = null; }
  }
  if (!body || typeof body !== "object" || !body.detail) {
    body = { status: response.status, code: body?.code || `HTTP_${response.status}`,
             detail: GENERIC[response.status] || (response.status >= 500 ? GENERIC[503] : "A operação não pôde ser concluída.") };
  }
  body.status = body.status ?? response.status;
  return new Problem(body);
}

/** Reads the court's today (plantão's public GET /calendario/hoje) for hoje() and answers it; if the API cannot be
 * reached, hoje() stays the browser's date. Pages call it before filling their date fields. */
export async function sincronizarHoje() {
  try {
    definirHoje((await call("plantao", "/calendario/hoje")).data);
  } catch {
    // the browser's date: a page still opens without the calendar's service
  }
  return hoje();
}

/** Listeners told when an authenticated call answers 401 (expired or refused token). */
const unauthorizedListeners = new Set();
export function onUnauthorized(fn) { unauthorizedListeners.add(fn); }

/**
 * call("distribuicao", "/distribuicoes/…", {method, body, token, query, as: "json"|"blob"|"text", headers})
 * → the decoded answer; throws Problem on any refusal or network failure.
 */
export async function call(service, path, options = {}) {
  const config = await loadConfig();
  const base = config.apis?.[service];
  if (!base) throw new Problem({ status: 0, code: "CONFIGURACAO", detail: `O serviço ${service} não está configurado.` });
  const url = new URL(base.replace(/\/$/, "") + path);
  for (const [key, value] of Object.entries(options.query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = { Accept: options.accept || "application/json", ...(options.headers || {}) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  let response;
  try {
    response = await fetch(url, { method: options.method || "GET", headers, body, cache: "no-store" });
  } catch {
    throw new Problem({ status: 0, code: "SEM_CONEXAO", detail: `Não foi possível falar com o serviço (${service}). Verifique a conexão e tente de novo.` });
  }
  if (!response.ok) {
    const problem = await problemFrom(response);
    if (response.status === 401 && options.token) unauthorizedListeners.forEach((fn) => fn(problem));
    throw problem;
  }
  if (options.as === "blob") return response.blob();
  if (options.as === "text") return response.text();
  if (response.status === 204) return null;
  return response.json();
}

/** A fresh Idempotency-Key for a creating request (a retry of the same click reuses it). */
export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}
