import type { Context } from 'hono';
import { requestOrigin, type AppEnv } from './context';
import { base64url } from './crypto';

/**
 * The docs page at /docs: Scalar's API reference over /openapi.json. The Worker writes the page
 * (so it names this deployment's origin and carries a per-request CSP nonce); Scalar's bundle is
 * a static asset of the Worker (wrangler.toml [assets], public/docs/scalar.js, copied from
 * node_modules by scripts/docs-assets.mjs), so nothing is loaded from any other origin.
 */
export const SCALAR_BUNDLE = '/docs/scalar.js';

/** What Scalar is told: the document, this origin as the only server, the bearer scheme preselected. */
export function scalarConfig(origin: string) {
  return {
    url: '/openapi.json',
    servers: [{ url: origin, description: 'This deployment' }],
    // Every operation that needs a token uses the document's one scheme: entered once in
    // try-it, kept in this browser's local storage, sent as `Authorization: Bearer …`.
    authentication: { preferredSecurityScheme: 'bearer' },
    persistAuth: true,
    // Nothing leaves for Scalar's own services: no web fonts, telemetry, agent or MCP helpers.
    // (No proxyUrl: try-it calls go straight to this origin, which is same-origin, so no CORS.)
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    showDeveloperTools: 'never',
    documentDownloadType: 'json',
    defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
    metaData: { title: 'Agent Inbox Records API' },
  };
}

// The one script written into the page: constant, allowed by the nonce. The configuration it
// reads is a JSON data block, which is never executed.
const BOOT = "Scalar.createApiReference('#app', JSON.parse(document.getElementById('docs-config').textContent));";

/** JSON safe inside <script>: no `<` can close the element or open a comment. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function docsPage(origin: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Agent Inbox Records API</title>
<link rel="icon" href="data:,">
</head>
<body>
<noscript>This page needs JavaScript. The API is described by <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</noscript>
<div id="app"></div>
<script id="docs-config" type="application/json">${scriptJson(scalarConfig(origin))}</script>
<script src="${SCALAR_BUNDLE}"></script>
<script nonce="${nonce}">${BOOT}</script>
</body>
</html>
`;
}

/**
 * Only this origin, and inline script only by nonce. Inline styles stay allowed: Scalar's Vue
 * components inject <style> elements (its theme, the toasts) that carry no nonce, and CSS
 * cannot run code.
 */
export function docsCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** GET (and so HEAD) /docs. */
export function docs(c: Context<AppEnv>): Response {
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(18)));
  return c.html(docsPage(requestOrigin(c), nonce), 200, {
    'content-security-policy': docsCsp(nonce),
    // A fresh nonce per answer: a cached copy would carry a stale one.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
}
