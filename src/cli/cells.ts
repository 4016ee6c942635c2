/**
 * `lectern cells <file.md | file.ts> [--json]`: the analysis of each cell
 * (index, language, declared and referenced names, expression or not, imports
 * static and dynamic, syntax error with line and column). A .ts/.js file is
 * one cell. Exits 1 when a cell does not compile or the lesson has problems
 * (printed to stderr as file:line: message), so scripts and CI can rely on it.
 */
import { readFile } from 'node:fs/promises';
import { compileCell } from '../cells/compile.ts';
import type { CellImport, CellLanguage } from '../cells/types.ts';
import { parseLesson } from '../lesson/parse.ts';

const USAGE = `Usage: lectern cells <lesson.md | cell.ts | cell.js> [--json]

Prints each live cell's (and each inline expression's) index, language, declared names, referenced names,
whether it is an expression, its imports (static and dynamic), and any syntax
error (line and column in the cell). Exits 1 if a cell has an error or the
lesson has problems (unknown fence options, an unclosed fence, ...).`;

export interface CellReport {
  /** Position among the lesson's cells (or, for inline expressions, among its inline expressions). */
  index: number;
  id: string;
  /** Set for an inline expression `${...}` of the prose (id "inline-N"). */
  inline?: true;
  /** Line of the cell in the file (its first source line for .md fences). */
  line: number;
  lang: CellLanguage;
  declarations: string[];
  references: string[];
  expression: boolean;
  /** Modules the cell imports: statements (`static`) and literal `import("...")` calls (`dynamic`). */
  imports: { specifier: string; method: CellImport['method'] }[];
  /** Line and column in the cell (1-based); fileLine is the same line in the file. */
  error?: { message: string; line: number; column: number; fileLine: number };
}

export interface FileAnalysis {
  cells: CellReport[];
  /** Problems of the lesson file itself (front matter, fence options, unclosed fences). */
  problems: { line: number; message: string }[];
}

/** Analyses a lesson (.md) or a single cell file (.ts/.js). */
export function analyzeFile(path: string, text: string): FileAnalysis {
  if (/\.(ts|js)$/.test(path)) {
    return { cells: [report(0, 'cell-1', 1, path.endsWith('.js') ? 'js' : 'ts', text)], problems: [] };
  }
  const lesson = parseLesson(text, { path });
  const cells = lesson.cells.map((c) => report(c.index, c.id, c.sourceLine, c.lang, c.source));
  const inlines = lesson.inlines.map((i) => report(i.index, i.id, i.line, 'ts', i.source, true));
  return { cells: [...cells, ...inlines], problems: lesson.diagnostics };
}

function report(index: number, id: string, line: number, lang: CellLanguage, source: string, inline = false): CellReport {
  const cell = compileCell({ id, lang, source, inline });
  const result: CellReport = {
    index,
    id,
    ...(inline ? { inline: true as const } : {}),
    line,
    lang,
    declarations: cell.declarations,
    references: cell.references,
    expression: cell.expression,
    imports: cell.imports.map(({ specifier, method }) => ({ specifier, method })),
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
  const { cells, problems } = analyzeFile(files[0], text);
  if (json) console.log(JSON.stringify(cells, null, 2));
  else console.log(cells.map(formatReport).join('\n'));
  for (const { line, message } of problems) console.error(`${files[0]}:${line}: ${message}`);
  const failing = cells.filter((c) => c.error);
  if (failing.length) console.error(`lectern cells: ${failing.length} of ${cells.length} cells do not compile: ${failing.map((c) => `${c.id} (file line ${c.error!.fileLine})`).join(', ')}`);
  return failing.length || problems.length ? 1 : 0;
}

function formatReport(r: CellReport): string {
  const list = (names: string[]) => (names.length ? names.join(', ') : '—');
  const lines = [`#${r.index} ${r.id} (${r.inline ? 'inline' : r.lang}, line ${r.line})${r.expression ? ' expression' : ''}`, `  declares:   ${list(r.declarations)}`, `  references: ${list(r.references)}`];
  if (r.imports.length) lines.push(`  imports:    ${r.imports.map((i) => (i.method === 'dynamic' ? `${i.specifier} (dynamic)` : i.specifier)).join(', ')}`);
  if (r.error) lines.push(`  error:      ${r.error.message} (line ${r.error.line}, column ${r.error.column}; file line ${r.error.fileLine})`);
  return lines.join('\n');
}
