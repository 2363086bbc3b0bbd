import { beforeAll, describe, expect, it } from 'vitest';
import { call } from './helpers';
import { documentValidator, pointer, type DocumentValidator } from './support/openapi';

// Every `pattern` in the served document is a plain ECMA-262 regex (JSON Schema has no place
// for flags: a pattern copied with its `/iu` would match a literal "/iu" and refuse every real
// value), and every example the document shows validates against its own schema — so a
// client's validator built from the document accepts what the document itself says is valid.

type Path = (string | number)[];
type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords whose value is one schema, a map of schemas, or a list of schemas (JSON Schema 2020-12). */
const ONE = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const MAP = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/** Every schema node under the schema at `path`, itself included. */
function* schemaNodes(node: unknown, path: Path): Generator<{ node: Node; path: Path }> {
  if (!isObject(node)) return;
  yield { node, path };
  for (const k of ONE) yield* schemaNodes(node[k], [...path, k]);
  for (const k of MAP) if (isObject(node[k])) for (const [name, s] of Object.entries(node[k])) yield* schemaNodes(s, [...path, k, name]);
  for (const k of LIST) if (Array.isArray(node[k])) for (const [i, s] of node[k].entries()) yield* schemaNodes(s, [...path, k, i]);
}

/** Objects that carry a `schema` and may carry examples: parameters, headers, media types. */
function* carriers(doc: Node): Generator<{ node: Node; path: Path }> {
  const components = (doc.components ?? {}) as Node;
  for (const kind of ['parameters', 'headers']) {
    for (const [name, p] of Object.entries((components[kind] ?? {}) as Node)) if (isObject(p)) yield { node: p, path: ['components', kind, name] };
  }
  for (const root of ['paths', 'webhooks']) {
    for (const [key, item] of Object.entries((doc[root] ?? {}) as Node)) {
      for (const [method, op] of Object.entries(item as Node)) {
        if (!isObject(op)) continue;
        const at: Path = [root, key, method];
        for (const [i, p] of ((op.parameters ?? []) as Node[]).entries()) if (!p.$ref) yield { node: p, path: [...at, 'parameters', i] };
        const body = op.requestBody as Node | undefined;
        for (const [type, media] of Object.entries((body?.content ?? {}) as Node)) yield { node: media as Node, path: [...at, 'requestBody', 'content', type] };
        for (const [status, answer] of Object.entries((op.responses ?? {}) as Record<string, Node>)) {
          for (const [type, media] of Object.entries((answer.content ?? {}) as Node)) yield { node: media as Node, path: [...at, 'responses', status, 'content', type] };
          for (const [name, h] of Object.entries((answer.headers ?? {}) as Node)) if (isObject(h) && !h.$ref) yield { node: h, path: [...at, 'responses', status, 'headers', name] };
        }
      }
    }
  }
}

/** Every schema of the document: the components and each carrier's. */
function* allSchemas(doc: Node): Generator<{ node: Node; path: Path }> {
  for (const [name, s] of Object.entries(((doc.components as Node)?.schemas ?? {}) as Node)) yield* schemaNodes(s, ['components', 'schemas', name]);
  for (const c of carriers(doc)) yield* schemaNodes(c.node.schema, [...c.path, 'schema']);
}

let doc: Node;
let v: DocumentValidator;

beforeAll(async () => {
  const r = await call('GET', '/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
  v = documentValidator(doc);
});

describe('patterns in /openapi.json', () => {
  it('each compiles as an ECMA-262 regex without flags, and carries no flags of a regex literal', () => {
    const patterns = [...allSchemas(doc)].filter((s) => typeof s.node.pattern === 'string').map((s) => ({ at: s.path.join('.'), p: s.node.pattern as string }));
    expect(patterns.length).toBeGreaterThan(40);
    for (const { at, p } of patterns) {
      expect(() => new RegExp(p), at).not.toThrow();
      // JSON Schema validators (ajv among them) compile with the `u` flag: it must hold there too.
      expect(() => new RegExp(p, 'u'), at).not.toThrow();
      expect(p, `${at}: a regex literal's slashes or flags`).not.toMatch(/^\/|\/[dgimsuvy]+$/);
    }
  });

  it('a pattern accepts its own schema\'s example (and the email fields, their address)', () => {
    let checked = 0;
    for (const { node, path } of allSchemas(doc)) {
      if (typeof node.pattern !== 'string' || typeof node.example !== 'string') continue;
      expect(new RegExp(node.pattern, 'u').test(node.example), `${path.join('.')}: ${node.pattern} vs ${node.example}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    const emails = [...allSchemas(doc)].filter((s) => s.node.format === 'idn-email' || s.node.format === 'email');
    expect(emails.length).toBeGreaterThan(3);
    for (const { node, path } of emails) {
      expect(v.problemsOf(pointer(...path), 'alice@example.com'), path.join('.')).toBeNull();
      expect(v.problemsOf(pointer(...path), 'Zoë.O\'Brien+crm@bücher.example'), path.join('.')).toBeNull();
      if (typeof node.pattern === 'string') expect(new RegExp(node.pattern, 'u').test('alice@example.com'), path.join('.')).toBe(true);
    }
  });
});

describe('examples in /openapi.json', () => {
  it('every example validates against the schema it illustrates (ajv, JSON Schema 2020-12 with formats)', () => {
    const failures: string[] = [];
    let checked = 0;
    const check = (schemaPath: Path, value: unknown, where: string) => {
      checked++;
      const problems = v.problemsOf(pointer(...schemaPath), value);
      if (problems) failures.push(`${where}: ${problems} — example ${JSON.stringify(value).slice(0, 200)}`);
    };
    for (const { node, path } of allSchemas(doc)) {
      if (node.example !== undefined) check(path, node.example, `${path.join('.')}.example`);
      if (Array.isArray(node.examples)) for (const [i, e] of node.examples.entries()) check(path, e, `${path.join('.')}.examples.${i}`);
    }
    for (const { node, path } of carriers(doc)) {
      if (!node.schema) continue;
      // A query parameter is text on the wire; its example is the value it means (an integer is a number).
      if (node.example !== undefined) check([...path, 'schema'], node.example, `${path.join('.')}.example`);
      if (isObject(node.examples)) {
        for (const [name, e] of Object.entries(node.examples)) if (isObject(e) && 'value' in e) check([...path, 'schema'], e.value, `${path.join('.')}.examples.${name}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(150);
  });

  it('each problem example shows the status it is listed under', () => {
    let checked = 0;
    for (const { node, path } of carriers(doc)) {
      const status = path[path.length - 3];
      if (path.at(-1) !== 'application/problem+json' || !isObject(node.examples)) continue;
      for (const [code, e] of Object.entries(node.examples)) {
        expect((e as { value: { status: number; code: string } }).value, `${path.join('.')}.${code}`).toMatchObject({ status: Number(status), code });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(400);
  });
});
