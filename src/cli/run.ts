/**
 * `lectern run <lesson.md> [--json] [--set name=value ...] [--timeout seconds] [--out DIR] [--heap MB]`:
 * executes every cell in Node, prints each cell's output or error, and exits
 * 1 if any cell failed (naming it), 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
import { statusLabel } from '../lesson/exercises.ts';
import { runLessonHeadless, type HeadlessCellResult, type HeadlessRunResult } from '../runtime/headless.ts';

const USAGE = `Usage: lectern run <lesson.md> [--json] [--set name=value ...] [--timeout seconds] [--out DIR] [--heap MB]

Runs every cell of a lesson in Node, as the page would, and prints what each
cell displays (generators to their last value). Exits 1 if any cell fails,
naming the cell. The lesson runs in a process of its own; what its code logs
goes to stderr.

  --json              print the result as JSON (with every value of each generator)
  --set name=value    give the view() input declared as \`const name = view(...)\` a value
  --timeout seconds   stop cells still running after this long, even in a loop (default 300)
  --out DIR           write each figure (Plot, SVG) as DIR/<cell id>.svg
  --heap MB           heap limit of the lesson's JavaScript (default Node's)`;

interface RunOptions {
  file: string;
  json: boolean;
  set: Record<string, string>;
  timeoutMs: number;
  outDir?: string;
  heapMb?: number;
}

export function parseRunArgs(args: string[]): RunOptions | string {
  const set: Record<string, string> = {};
  let file: string | undefined;
  let json = false;
  let timeoutMs = 300_000;
  let outDir: string | undefined;
  let heapMb: number | undefined;
  for (let i = 0; i < args.length; i++) {
    // `--name=value` and `--name value` alike (main.ts writes `--timeout -1` as `--timeout=-1`).
    const [arg, inline] = splitOption(args[i]);
    const value = (): string | undefined => inline ?? args[++i];
    if (arg === '--json' && inline === undefined) json = true;
    else if (arg === '--set') {
      const pair = value();
      const match = pair === undefined ? null : /^([A-Za-z_$][\w$]*)=(.*)$/s.exec(pair);
      if (!match) return `--set expects name=value, got ${pair === undefined ? 'nothing' : `"${pair}"`}`;
      set[match[1]] = match[2];
    } else if (arg === '--timeout') {
      const text = value();
      const seconds = Number(text);
      if (!(seconds > 0) || text?.trim() === '') return `--timeout expects a positive number of seconds, got "${text ?? ''}"`;
      timeoutMs = seconds * 1000;
    } else if (arg === '--out') {
      outDir = value();
      if (!outDir) return '--out expects a folder';
    } else if (arg === '--heap') {
      const text = value();
      heapMb = Number(text);
      if (!Number.isInteger(heapMb) || heapMb < 16) return `--heap expects a whole number of MB, at least 16, got "${text ?? ''}"`;
    } else if (arg.startsWith('-')) return `unknown option ${args[i]}`;
    else if (file === undefined) file = arg;
    else return `only one lesson at a time (got ${file} and ${arg})`;
  }
  if (file === undefined) return 'missing the lesson file';
  return { file, json, set, timeoutMs, ...(outDir === undefined ? {} : { outDir }), ...(heapMb === undefined ? {} : { heapMb }) };
}

/** "--name=value" → ["--name", "value"]; anything else → [arg, undefined]. */
function splitOption(arg: string): [string, string | undefined] {
  const match = /^(--[^=]+)=(.*)$/s.exec(arg);
  return match ? [match[1], match[2]] : [arg, undefined];
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseRunArgs(args);
  if (typeof options === 'string') {
    console.error(`lectern run: ${options}\n\n${USAGE}`);
    return 2;
  }
  let source: string;
  try {
    source = await readFile(options.file, 'utf8');
  } catch (error) {
    console.error(`lectern run: cannot read ${options.file}: ${(error as Error).message}`);
    return 2;
  }
  const { set, timeoutMs, outDir, heapMb } = options;
  const result = await runLessonHeadless({ source, path: options.file, set, timeoutMs, outDir, heapMb });
  console.log(options.json ? JSON.stringify(result, null, 2) : formatRun(result));
  if (!result.ok) console.error(failureSummary(result));
  return result.ok ? 0 : 1;
}

export function formatRun(result: HeadlessRunResult): string {
  const lines = [`${result.title}${result.path ? ` (${result.path})` : ''}`];
  for (const cell of result.cells) {
    lines.push('', `[${cell.id}] line ${cell.line}${cell.error ? ' — FAILED' : ''}`);
    for (const output of cell.outputs) lines.push(indent(output));
    for (const file of cell.files ?? []) lines.push(indent(`→ ${file}`));
    if (cell.error) lines.push(indent(`✗ ${errorLine(cell)}`));
  }
  if (result.exercises?.length) {
    const passed = result.exercises.filter((e) => e.state === 'passed').length;
    lines.push('', `Exercises: ${passed} of ${result.exercises.length} passed`);
    for (const e of result.exercises) lines.push(indent(`${e.state === 'passed' ? '✓' : '·'} ${e.id} (${e.title}, line ${e.line}): ${statusLabel(e)}`));
  }
  for (const problem of result.problems) lines.push('', `✗ ${problem}`);
  return lines.join('\n');
}

function errorLine(cell: HeadlessCellResult): string {
  const error = cell.error!;
  const label = error.name === 'Error' ? '' : `${error.name}: `;
  const column = error.column === undefined ? '' : `, column ${error.column}`;
  const where = error.line === undefined ? '' : ` (cell line ${error.line}${column}; file line ${error.fileLine})`;
  return `${label}${error.message}${where}`;
}

function failureSummary(result: HeadlessRunResult): string {
  const failed = result.cells.filter((c) => c.error);
  const parts = failed.map((c) => `${c.id} (line ${c.line}): ${errorLine(c)}`);
  return [`lectern run: ${failed.length} of ${result.cells.length} cells failed${result.problems.length ? `, ${result.problems.length} problems` : ''}`, ...parts.map((p) => `  ${p}`), ...result.problems.map((p) => `  ${p}`)].join('\n');
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
