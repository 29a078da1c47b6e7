// The CNJ single number NNNNNNN-DD.AAAA.J.TR.OOOO (Res. CNJ 65/2008): the check digits (ISO 7064 mod 97-10)
// checked as the user types, with the same parts the API names in its DIST-01 refusal.

/** "12345672720276110000" or "1234567-27.2027.6.11.0000" → {ok, parte, mensagem, formatado}. */
export function checkCnj(text) {
  const raw = (text || "").trim();
  const digits = raw.replace(/\D/g, "");
  const formatted = /^(\d{7})-(\d{2})\.(\d{4})\.(\d)\.(\d{2})\.(\d{4})$/.exec(raw);
  if (!formatted && !(/^\d{20}$/.test(raw))) {
    return { ok: false, parte: "formato", mensagem: `Faltam dígitos: são 20 no formato NNNNNNN-DD.AAAA.J.TR.OOOO (digitados: ${digits.length}).` };
  }
  const n = digits.slice(0, 7), dd = digits.slice(7, 9), rest = digits.slice(9);
  const remainder = BigInt(n + rest + dd) % 97n;
  const pretty = `${n}-${dd}.${rest.slice(0, 4)}.${rest[4]}.${rest.slice(5, 7)}.${rest.slice(7)}`;
  if (remainder !== 1n) {
    const expected = 98n - (BigInt(n + rest) * 100n) % 97n;
    return { ok: false, parte: "digitos_verificadores", formatado: pretty,
             mensagem: `Os dígitos verificadores ${dd} não conferem (o correto seria ${String(expected).padStart(2, "0")}).` };
  }
  return { ok: true, formatado: pretty, mensagem: `Número válido: ${pretty}.` };
}

/** Inserts the separators while typing digits (leaves what the user typed otherwise). */
export function maskCnj(text) {
  const d = text.replace(/\D/g, "").slice(0, 20);
  const parts = [d.slice(0, 7), d.slice(7, 9), d.slice(9, 13), d.slice(13, 14), d.slice(14, 16), d.slice(16, 20)];
  const seps = ["", "-", ".", ".", ".", "."];
  return parts.map((p, i) => (p ? seps[i] + p : "")).join("");
}
