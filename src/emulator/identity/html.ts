/** Small HTML helpers for the emulator's sign-in, consent, device-login and error pages. */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** `<input type="hidden">` fields for every parameter, skipping the emulator's own `emulator_*` fields. */
export function hiddenInputs(parameters: URLSearchParams): string {
  const fields: string[] = [];
  for (const [name, value] of parameters) {
    if (name.startsWith("emulator_")) continue;
    fields.push(`<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  }
  return fields.join("\n");
}

/** A complete HTML page response; pages carry sign-in state, so they are never cached. */
export function htmlPage(title: string, body: string, options: { status?: number } = {}): Response {
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.4rem 0}button{margin:.8rem .5rem 0 0;padding:.4rem 1.2rem}</style>
</head>
<body>
${body}
</body>
</html>
`;
  return new Response(html, {
    status: options.status ?? 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store, no-cache",
      "x-frame-options": "DENY",
    },
  });
}
