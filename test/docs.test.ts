// The docs page: Scalar over /openapi.json, its script a static asset of the Worker, nothing from
// another origin. (scripts/check-docs.mjs loads it in a real browser.)
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call } from './helpers';

const configOf = (html: string) => {
  const m = /<script id="docs-config" type="application\/json">(.*?)<\/script>/s.exec(html);
  if (!m) throw new Error('no docs-config block');
  return JSON.parse(m[1]!);
};

describe('/docs', () => {
  it('is Scalar configured for this deployment: the document, this origin, the bearer scheme', async () => {
    const r = await call('GET', '/docs');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const html = String(r.body);
    expect(html).toContain('<script src="/docs/scalar.js"></script>');
    const config = configOf(html);
    expect(config.url).toBe('/openapi.json');
    expect(config.servers).toEqual([{ url: 'http://inbox.test', description: 'This deployment' }]);
    expect(config.authentication).toEqual({ preferredSecurityScheme: 'bearer' });
    expect(config.persistAuth).toBe(true);
    expect(config.withDefaultFonts).toBe(false);
    expect(config.proxyUrl).toBeUndefined();
    // The scheme it preselects is the document's.
    const doc = await call('GET', '/openapi.json');
    expect(Object.keys(doc.body.components.securitySchemes)).toEqual(['bearer']);
  });

  it('names the origin it was asked on', async () => {
    const res = await SELF.fetch('https://records.example.com/docs');
    expect(configOf(await res.text()).servers[0].url).toBe('https://records.example.com');
  });

  it('allows only its own origin, and inline code only by a fresh nonce', async () => {
    const a = await call('GET', '/docs');
    const b = await call('GET', '/docs');
    const csp = a.headers.get('content-security-policy')!;
    const nonce = /'nonce-([A-Za-z0-9_-]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|unsafe-eval|\*/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // Every inline script carries the nonce (the JSON block is data, never run).
    const html = String(a.body);
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]!);
    expect(inline.length).toBe(2);
    for (const attrs of inline) expect(attrs.includes(`nonce="${nonce}"`) || attrs.includes('type="application/json"')).toBe(true);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(b.headers.get('content-security-policy')).not.toContain(nonce);
    expect(a.headers.get('cache-control')).toBe('no-store');
  });

  it('answers HEAD without a body, and other methods with 405', async () => {
    const head = await SELF.fetch('http://inbox.test/docs', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await head.text()).toBe('');
    const post = await call('POST', '/docs', { body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toContain('GET');
  });

  // The bundle itself is a static asset, which the workers pool does not route to (it calls the
  // Worker directly): scripts/check-docs.mjs fetches and runs it under `wrangler dev`.
});
