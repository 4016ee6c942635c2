/**
 * Step 1 of compiling a cell: erase TypeScript syntax with sucrase, a fast,
 * small transpiler that keeps line numbers. Pure: no analysis happens here.
 */
import { transform } from 'sucrase';
import type { CellDiagnostic, CellLanguage } from './types.ts';

export type EraseResult =
  | {
      ok: true;
      /** JavaScript with the same lines as the input (columns may shift where types were removed). */
      code: string;
      /**
       * True when the source only compiled as an expression (e.g. an object literal
       * `{a: 1, b: 2}`): the caller must then parse `code` as an expression.
       */
      expressionOnly: boolean;
    }
  | { ok: false; error: CellDiagnostic };

/**
 * Erases types from a `ts` cell; `js` cells pass through unchanged.
 * Imports are kept even when unused in the cell (other cells may use them),
 * except `import type` and `type` specifiers, which disappear.
 */
export function eraseTypes(source: string, lang: CellLanguage): EraseResult {
  if (lang === 'js') return { ok: true, code: source, expressionOnly: false };
  const asProgram = tryTransform(source);
  if (asProgram.ok) return { ok: true, code: asProgram.code, expressionOnly: false };
  // An object literal is not a valid program, but is a valid expression cell.
  // Parenthesize on the same first line so later lines keep their numbers.
  const asExpression = tryTransform(`(${source}\n)`);
  if (asExpression.ok) {
    const code = asExpression.code;
    if (code.startsWith('(') && code.endsWith('\n)')) {
      return { ok: true, code: code.slice(1, -2), expressionOnly: true };
    }
  }
  return { ok: false, error: asProgram.error };
}

type TransformResult = { ok: true; code: string } | { ok: false; error: CellDiagnostic };

function tryTransform(source: string): TransformResult {
  try {
    const { code } = transform(source, {
      transforms: ['typescript'],
      disableESTransforms: true,
      keepUnusedImports: true,
    });
    return { ok: true, code };
  } catch (error) {
    return { ok: false, error: sucraseDiagnostic(error, source) };
  }
}

/** Sucrase errors read "Unexpected token (2:5)" with a 1-based line and column. */
function sucraseDiagnostic(error: unknown, source: string): CellDiagnostic {
  const raw = error instanceof Error ? error.message : String(error);
  const match = /^(.*?)\s*\((\d+):(\d+)\)\s*$/s.exec(raw);
  if (!match) return { message: raw, line: 1, column: 1 };
  const line = Number(match[2]);
  const lineText = source.split('\n')[line - 1] ?? '';
  const column = Math.min(Math.max(1, Number(match[3])), lineText.length + 1);
  return { message: match[1], line, column };
}
