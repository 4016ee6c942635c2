/**
 * Benchmark of the lesson runtime core (run: `npx tsx bench/cells.ts [--json]`):
 * - compileCell: ms per cell over the cells of notebooks/00-how-lessons-work.md;
 * - the loop guard: ns per iteration of a tight loop, guarded vs unguarded;
 * - the runtime: ms to define a chain of compiled cells and see them all settle, and to
 *   redefine its head (every cell recomputes once).
 * Figures vary with the machine's load: compare runs, never assert on them in tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileCell } from '../src/cells/compile.ts';
import { guardedFunction, guardSource } from '../src/cells/dynamic-code.ts';
import { createLoopGuard } from '../src/cells/loop-guard.ts';
import type { CellContext } from '../src/cells/types.ts';
import { parseLesson } from '../src/lesson/parse.ts';
import { createLessonRuntime } from '../src/runtime/lesson-runtime.ts';
import { projectRoot } from '../src/runtime/node-import.ts';

function time<T>(run: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = run();
  return { ms: performance.now() - start, result };
}

function benchCompile(): Record<string, number> {
  const lesson = parseLesson(readFileSync(join(projectRoot, 'notebooks', '00-how-lessons-work.md'), 'utf8'));
  const compileAll = () => lesson.cells.map((c) => compileCell(c));
  compileAll(); // warm up
  const rounds = 20;
  const { ms } = time(() => {
    for (let i = 0; i < rounds; i++) compileAll();
  });
  return { cells: lesson.cells.length, msPerCell: ms / rounds / lesson.cells.length };
}

function benchGuard(): Record<string, number> {
  const source = 'let s = 0; for (let i = 0; i < 5e6; i++) s += i;';
  const run = (guarded: boolean): number => {
    const cell = compileCell({ source, lang: 'js' });
    const body = guarded ? cell.body : cell.body.replaceAll('__lectern.guard();', '');
    const fn = new Function(`return (${body})`)() as (c: CellContext) => unknown;
    const guard = createLoopGuard({ budgetMs: 60_000 });
    const context: CellContext = { guard, import: () => Promise.reject(new Error('none')), Function: guardedFunction({ guard }), code: guardSource };
    fn(context); // warm up
    return Math.min(...[0, 1, 2].map(() => time(() => fn(context)).ms));
  };
  const plain = run(false);
  const guarded = run(true);
  return { nsPerIterationPlain: (plain * 1e6) / 5e6, nsPerIterationGuarded: (guarded * 1e6) / 5e6, overhead: guarded / plain };
}

async function benchRuntime(): Promise<Record<string, number>> {
  const n = 200;
  const cells = [compileCell({ id: 'c0', source: 'const v0 = 1' })];
  for (let i = 1; i < n; i++) cells.push(compileCell({ id: `c${i}`, source: `const v${i} = v${i - 1} + 1` }));
  const runtime = createLessonRuntime();
  const start = performance.now();
  for (const cell of cells) runtime.define(cell);
  await runtime.idle();
  const defineMs = performance.now() - start;
  const again = performance.now();
  runtime.redefine('c0', 'const v0 = 2');
  await runtime.idle();
  const redefineMs = performance.now() - again;
  const last = await runtime.value(`v${n - 1}`);
  runtime.dispose();
  if (last !== n + 1) throw new Error(`chain computed ${String(last)}, expected ${n + 1}`);
  return { cells: n, defineAndSettleMs: defineMs, redefineHeadMs: redefineMs };
}

const results = { compile: benchCompile(), loopGuard: benchGuard(), runtime: await benchRuntime() };
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else for (const [name, figures] of Object.entries(results)) console.log(name.padEnd(10), Object.entries(figures).map(([k, v]) => `${k}=${Number(v.toFixed(3))}`).join('  '));
