// The docs page in a real browser (headless Chromium, driven by playwright-core): /docs loads
// Scalar from the Worker's own static assets, lists every operation of /openapi.json, and a
// try-it call made with the token entered once in its auth field answers 200 — with no request
// to any other origin and no Content-Security-Policy violation. Run by scripts/check-ecosystem.mjs
// (`npm run check:docs`), which starts the local stack and makes the token.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Debian's package (`apt-get install chromium`); CHROMIUM_PATH names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The GET tried from the page: listing contacts, with the contact made for it in the answer. */
const TRY = { method: 'GET', path: '/v1/contacts/' };

class CheckFailed extends Error {}
const fail = (message) => {
  throw new CheckFailed(message);
};

/** `METHOD /path` of every operation of the document, and of every webhook `METHOD name`, with the operation. */
function operationsOf(doc) {
  const paths = new Map();
  const webhooks = new Map();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) if (item[method]) paths.set(`${method.toUpperCase()} ${path}`, item[method]);
  }
  for (const [name, item] of Object.entries(doc.webhooks ?? {})) {
    for (const method of METHODS) if (item[method]) webhooks.set(`${method.toUpperCase()} ${name}`, item[method]);
  }
  return { paths, webhooks };
}

const squash = (text) => text.replace(/\s+/g, ' ').trim();

/**
 * What the sidebar lists: `METHOD /path` of every operation, with its entry's text, and the
 * text of every webhook entry. Scalar names an operation's entry
 * `<document>/tag/<tag>/<METHOD><path>` (or without the tag part) and a webhook's
 * `…/webhook/<METHOD>/<name as a slug>`; only the first tag starts open, so every closed group
 * is opened first.
 */
async function listedOperations(page) {
  for (let i = 0; i < 200; i++) {
    const closed = page.locator('li[data-sidebar-id] > div > button[aria-expanded="false"]');
    if ((await closed.count()) === 0) break;
    await closed.first().click();
  }
  const entries = await page.$$eval('li[data-sidebar-id]', (els) => els.map((e) => ({ id: e.getAttribute('data-sidebar-id'), text: e.querySelector('a')?.textContent ?? '' })));
  const paths = new Map();
  const webhooks = [];
  for (const { id, text } of entries) {
    if (/\/webhook\/[A-Z]+\//.test(id)) {
      webhooks.push(squash(text));
      continue;
    }
    const m = /\/(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE)(\/.*)$/.exec(id);
    if (m) paths.set(`${m[1]} ${m[2]}`, squash(text));
  }
  return { paths, webhooks };
}

export async function checkDocs({ base, token, api, log }) {
  const started = Date.now();
  const step = (what) => log(`docs: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!existsSync(CHROMIUM)) fail(`No Chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH).`);

  // What the browser should show, and the page's own answers, first over plain HTTP.
  const doc = await api(base, 'GET', '/openapi.json');
  const operations = operationsOf(doc);
  const page0 = await fetch(`${base}/docs`);
  const csp = page0.headers.get('content-security-policy') ?? '';
  if (page0.status !== 200 || !/'nonce-/.test(csp)) fail(`GET /docs answered ${page0.status} with CSP ${JSON.stringify(csp)}`);
  const bundle = await fetch(`${base}/docs/scalar.js`);
  if (bundle.status !== 200 || !/javascript/.test(bundle.headers.get('content-type') ?? '')) {
    fail(`GET /docs/scalar.js answered ${bundle.status} ${bundle.headers.get('content-type')}: is public/docs/scalar.js there (node scripts/docs-assets.mjs)?`);
  }
  await bundle.arrayBuffer();
  const headersFile = await fetch(`${base}/_headers`);
  if ((await headersFile.text()).includes('X-Content-Type-Options')) fail('GET /_headers serves the assets\' header rules');
  if (bundle.headers.get('x-content-type-options') !== 'nosniff') fail('public/_headers was not applied to /docs/scalar.js');
  const name = `Grace Hopper ${Date.now().toString(36)}`;
  const contact = await api(base, 'POST', '/v1/contacts/', { token, body: { full_name: name } });

  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const origin = new URL(base).origin;
    const outside = [];
    const problems = [];
    // Nothing may leave for another origin (no CDN, fonts, telemetry or proxy): such a request
    // is refused, and reported.
    await context.route((url) => url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:', (route) => {
      outside.push(route.request().url());
      return route.abort();
    });
    page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

    await page.goto(`${base}/docs`);
    await page.waitForSelector('li[data-sidebar-id]', { timeout: 45_000 }).catch(() => fail('Scalar did not render a sidebar within 45 s'));
    step('page rendered');

    const listed = await listedOperations(page);
    const missing = [...operations.paths.keys()].filter((op) => !listed.paths.has(op));
    const extra = [...listed.paths.keys()].filter((op) => !operations.paths.has(op));
    if (missing.length || extra.length) {
      fail(`the page lists ${listed.paths.size} operations, the document has ${operations.paths.size}; missing: ${missing.join(', ') || 'none'}; not in the document: ${extra.join(', ') || 'none'}`);
    }
    const untitled = [...operations.paths].filter(([op, o]) => o.summary && !listed.paths.get(op).includes(squash(o.summary)));
    if (untitled.length) fail(`entries without their summary: ${untitled.map(([op]) => op).join(', ')}`);
    // Webhook entries are named by a slug of the name, so they are matched by their summaries.
    if (listed.webhooks.length !== operations.webhooks.size) {
      fail(`the page lists ${listed.webhooks.length} webhooks, the document has ${operations.webhooks.size}: ${listed.webhooks.join(' | ')}`);
    }
    const unlisted = [...operations.webhooks].filter(([, o]) => !listed.webhooks.some((text) => text.includes(squash(o.summary ?? ''))));
    if (unlisted.length) fail(`webhooks not listed: ${unlisted.map(([w]) => w).join(', ')}`);
    step(`all ${operations.paths.size} operations and ${operations.webhooks.size} webhooks listed`);

    // The token, entered once in the document's auth field (the bearer scheme is preselected).
    const auth = page.getByLabel('Bearer Token').first();
    await auth.fill(token).catch(() => fail('no "Bearer Token" field on the page'));

    // Try it: open the operation, its request panel, leave out the query parameters the panel
    // fills from the document's examples, and send.
    const entry = page.locator(`li[data-sidebar-id$="/${TRY.method}${TRY.path}"] > a`);
    await entry.click();
    const section = page.locator(`section[id$="/${TRY.method}${TRY.path}"]`);
    await section.getByRole('button', { name: /test request/i }).first().click({ timeout: 15_000 })
      .catch(() => fail(`no "Test Request" button on ${TRY.method} ${TRY.path}`));
    const params = operations.paths.get(`${TRY.method} ${TRY.path}`)?.parameters ?? [];
    for (const p of params.filter((q) => q.in === 'query')) {
      const include = page.getByLabel(`Include ${p.name} in request`);
      if ((await include.count()) && (await include.first().isChecked())) await include.first().uncheck();
    }
    const answered = page.waitForResponse((r) => r.request().method() === TRY.method && new URL(r.url()).pathname === TRY.path, { timeout: 20_000 });
    await page.getByRole('button', { name: /send/i }).first().click();
    const res = await answered.catch(() => fail(`the try-it call of ${TRY.method} ${TRY.path} never left the page`));
    const sent = res.request().headers().authorization;
    if (sent !== `Bearer ${token}`) fail(`the try-it call sent Authorization ${JSON.stringify(sent)}, not the token entered`);
    if (res.status() !== 200) fail(`the try-it call answered ${res.status()}: ${(await res.text()).slice(0, 300)}`);
    await page.getByText(/^\s*200\s+OK\s*$/).first().waitFor({ timeout: 10_000 }).catch(() => fail('the page did not render the 200 answer'));
    await page.getByText(contact.id).first().waitFor({ timeout: 10_000 }).catch(() => fail(`the rendered answer does not show the contact ${contact.id}`));
    step(`try-it ${TRY.method} ${TRY.path}: 200, rendered with the contact`);

    // The token is kept (persistAuth): a reload still has it, so it is entered once.
    await page.reload();
    await page.waitForSelector('li[data-sidebar-id]', { timeout: 45_000 });
    const kept = await page.getByLabel('Bearer Token').first().inputValue();
    if (kept !== token) fail('after a reload the auth field no longer holds the token');

    if (outside.length) fail(`the page asked other origins for: ${[...new Set(outside)].join(', ')}`);
    if (problems.length) fail(problems.join('\n'));
    step('no request left this origin, no CSP violation, the token survives a reload');
  } finally {
    await browser.close();
  }
}

export { CheckFailed };
