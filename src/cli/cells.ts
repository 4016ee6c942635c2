/**
 * `lectern cells <file.md | file.ts> [--json]`: the analysis of each cell
 * (index, language, declared and referenced names, expression or not, syntax
 * error with line and column). A .ts/.js file is one cell.
 */
import { readFile } from 'node:fs/promises';
import { compileCell } from '../cells/compile.ts';
import type { CellLanguage } from '../cells/types.ts';
import { parseLesson } from '../lesson/parse.ts';

const USAGE = `Usage: lectern cells <lesson.md | cell.ts | cell.js> [--json]

Prints each live cell's index, language, declared names, referenced names,
whether it is an expression, and any syntax error (line and column in the cell).`;

export interface CellReport {
  index: number;
  id: string;
  /** Line of the cell in the file (its first source line for .md fences). */
  line: number;
  lang: CellLanguage;
  declarations: string[];
  references: string[];
  expression: boolean;
  imports: string[];
  /** Line and column in the cell (1-based); fileLine is the same line in the file. */
  error?: { message: string; line: number; column: number; fileLine: number };
}

/** Analyses a lesson (.md) or a single cell file (.ts/.js). */
export function analyzeFile(path: string, text: string): CellReport[] {
  if (/\.(ts|js)$/.test(path)) {
    return [report(0, 'cell-1', 1, path.endsWith('.js') ? 'js' : 'ts', text)];
  }
  return parseLesson(text, { path }).cells.map((c) => report(c.index, c.id, c.sourceLine, c.lang, c.source));
}

function report(index: number, id: string, line: number, lang: CellLanguage, source: string): CellReport {
  const cell = compileCell({ id, lang, source });
  const result: CellReport = {
    index,
    id,
    line,
    lang,
    declarations: cell.declarations,
    references: cell.references,
    expression: cell.expression,
    imports: cell.imports.map((i) => i.specifier),
  };
  if (cell.error) result.error = { message: cell.error.message, line: cell.error.line, column: cell.error.column, fileLine: line + cell.error.line - 1 };
  return result;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  const unknown = files.find((a) => a.startsWith('-'));
  if (files.length !== 1 || unknown) {
    console.error(`lectern cells: ${unknown ? `unknown option ${unknown}` : 'expects exactly one file'}\n\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(files[0], 'utf8');
  } catch (error) {
    console.error(`lectern cells: cannot read ${files[0]}: ${(error as Error).message}`);
    return 2;
  }
  const reports = analyzeFile(files[0], text);
  if (json) console.log(JSON.stringify(reports, null, 2));
  else console.log(reports.map(formatReport).join("\n"));
  return 0;
}

function formatReport(r: CellReport): string {
  const list = (names: string[]) => (names.length ? names.join(', ') : '—');
  const lines = [`#${r.index} ${r.id} (${r.lang}, line ${r.line})${r.expression ? ' expression' : ''}`, `  declares:   ${list(r.declarations)}`, `  references: ${list(r.references)}`];
  if (r.imports.length) lines.push(`  imports:    ${r.imports.join(', ')}`);
  if (r.error) lines.push(`  error:      ${r.error.message} (line ${r.error.line}, column ${r.error.column}; file line ${r.error.fileLine})`);
  return lines.join('\n');
}
