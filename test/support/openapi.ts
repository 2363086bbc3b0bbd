// The served OpenAPI document as a validator: ajv (JSON Schema 2020-12, which OpenAPI 3.1
// schemas are) over the whole document, so any schema in it — a component, or one inline in an
// operation — is compiled by its JSON pointer with every `$ref` resolved in place.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** A JSON pointer into the document, as an ajv ref (`openapi#/paths/~1v1~1contacts~1/…`). */
export const pointer = (...segments: (string | number)[]): string =>
  `openapi#${segments.map((s) => `/${encodeURIComponent(String(s).replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('')}`;

export interface DocumentValidator {
  /** Compiles (once) the schema at `ref` (a `pointer`). */
  schemaAt(ref: string): ValidateFunction;
  /** null when `value` is valid against the schema at `ref`, else ajv's errors, readable. */
  problemsOf(ref: string, value: unknown): string | null;
}

export function documentValidator(doc: unknown): DocumentValidator {
  // Not strict: OpenAPI's own keywords (`example`, `discriminator`, `xml`…) sit beside JSON Schema's.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // `binary` is a body of bytes, not a string to check; `idn-email` is what the API checks
  // itself (src/http/fields.ts): here an address is anything@anything without spaces.
  ajv.addFormat('binary', true);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  ajv.addSchema(doc as object, 'openapi');
  const compiled = new Map<string, ValidateFunction>();
  const schemaAt = (ref: string) => {
    let v = compiled.get(ref);
    if (!v) {
      v = ajv.compile({ $ref: ref });
      compiled.set(ref, v);
    }
    return v;
  };
  return {
    schemaAt,
    problemsOf(ref, value) {
      const v = schemaAt(ref);
      if (v(value)) return null;
      return (v.errors ?? []).slice(0, 8).map((e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message} (${e.schemaPath})`).join('; ');
    },
  };
}
