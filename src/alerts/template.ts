/**
 * Task deliveries: the alert's `target` is a summary template whose `{field}` placeholders are
 * filled from the firing (`{contact_name}`, `{title}`, `{type}`, `{date}`, …). Unknown names are
 * refused when the alert is saved, so a typo cannot silently produce an empty task title.
 */
import { TEMPLATE_FIELDS } from './catalogue';

const PLACEHOLDER = /\{([^{}]*)\}/g;

export const MAX_TEMPLATE_LENGTH = 500;

/** Why `template` cannot be a task template, or null when it can. */
export function templateProblem(template: string): string | null {
  if (template.trim() === '') return 'must not be empty';
  if (template.length > MAX_TEMPLATE_LENGTH) return `must be at most ${MAX_TEMPLATE_LENGTH} characters`;
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((f) => !TEMPLATE_FIELDS.includes(f));
  if (unknown.length) {
    return `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `{${f}}`).join(', ')}; known: ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(', ')}`;
  }
  return null;
}

function render(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    // An offset `{ value, unit }` reads like `30 minutes` (`1 day`).
    if ('value' in value && typeof value.value === 'number' && 'unit' in value && typeof value.unit === 'string') {
      return `${value.value} ${value.value === 1 ? value.unit.replace(/s$/, '') : value.unit}`;
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** Fills every placeholder; a field the firing does not carry becomes empty. */
export function fillTemplate(template: string, fields: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => render(fields[name])).replace(/\s+/g, ' ').trim();
}
