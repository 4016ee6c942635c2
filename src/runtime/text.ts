/**
 * Values as text, for the headless runner (Node only: uses node:util).
 * Objects with their own toString (tensors, headless inputs and plots) use it;
 * other objects are inspected a few levels deep.
 */
import { inspect } from 'node:util';

export interface FormatValueArgs {
  /** Quote strings, as an inspector does for an expression's value (default false: display() shows text as is). */
  quoteStrings?: boolean;
}

export function formatValue(value: unknown, { quoteStrings = false }: FormatValueArgs = {}): string {
  if (typeof value === 'string') {
    if (!quoteStrings) return value;
    // A multi-line string (a summary table, a report) reads best as a template literal, as Observable shows it.
    return value.includes('\n') ? `\`${value.replace(/[`\\]|\$\{/g, (m) => `\\${m}`)}\`` : JSON.stringify(value);
  }
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return `ƒ ${value.name || '(anonymous)'}()`;
    return String(value);
  }
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (!Array.isArray(value) && hasOwnToString(value)) return String(value);
  return inspect(value, { depth: 2, breakLength: 100, maxArrayLength: 20, maxStringLength: 200 });
}

function hasOwnToString(value: object): boolean {
  const toString = (value as { toString?: unknown }).toString;
  return typeof toString === 'function' && toString !== Object.prototype.toString && !(value instanceof Map) && !(value instanceof Set);
}
