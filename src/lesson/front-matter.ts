/**
 * The lesson's front matter: a `---` fenced block of `key: value` lines at the
 * top of the file. Only scalars (strings, numbers, booleans, null) are
 * supported, which is all a lesson needs; anything else is reported.
 */
import type { LessonDiagnostic } from './types.ts';

export type Scalar = string | number | boolean | null;

export interface FrontMatterBlock {
  values: Record<string, Scalar>;
  /** File line of each key, for messages about its value. */
  lines: Record<string, number>;
  /** The Markdown after the block. */
  body: string;
  /** Number of lines the block took, so body line N is file line N + lineOffset. */
  lineOffset: number;
  diagnostics: LessonDiagnostic[];
}

/** Splits front matter off a lesson file. A file without one yields no values. */
export function splitFrontMatter(text: string): FrontMatterBlock {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { values: {}, lines: {}, body: text, lineOffset: 0, diagnostics: [] };
  const values: Record<string, Scalar> = {};
  const lines: Record<string, number> = {};
  const diagnostics: LessonDiagnostic[] = [];
  match[1].split(/\r?\n/).forEach((raw, i) => {
    const line = i + 2;
    const content = raw.replace(/\s+#.*$/, '').trimEnd();
    if (content.trim() === '' || content.trimStart().startsWith('#')) return;
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(content);
    if (!pair) {
      diagnostics.push({ line, message: `Front matter: expected "key: value", got "${raw.trim()}"` });
      return;
    }
    const value = parseScalar(pair[2]);
    if (value === undefined) {
      diagnostics.push({ line, message: `Front matter: "${pair[1]}" must be a single value (string, number, true/false)` });
      return;
    }
    values[pair[1]] = value;
    lines[pair[1]] = line;
  });
  const lineOffset = match[0].split('\n').length - (match[0].endsWith('\n') ? 1 : 0);
  return { values, lines, body: text.slice(match[0].length), lineOffset, diagnostics };
}

/** A YAML-like scalar, or undefined for lists/maps/block scalars. */
function parseScalar(text: string): Scalar | undefined {
  const value = text.trim();
  if (value === '' || value === '~' || value === 'null') return null;
  if (/^[[{|>]/.test(value)) return undefined;
  if (/^"(?:[^"\\]|\\.)*"$/.test(value)) return JSON.parse(value) as string;
  if (/^'(?:[^']|'')*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'");
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(value)) return Number(value);
  return value;
}
