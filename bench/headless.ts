/**
 * Start-up of a headless run (run: `npx tsx bench/headless.ts [--rounds 5] [--json]`):
 * - `lectern run` of a one-cell lesson, end to end (a Node process, tsx, then the lesson's own process);
 * - runLessonHeadless of the same lesson from a warm process (the lesson's process alone);
 * - installing the DOM (happy-dom) in a fresh process, and loading @observablehq/inputs and plot on it.
 * Medians of the rounds. Figures vary with the machine's load: compare runs, never assert on them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLessonHeadless } from '../src/runtime/headless.ts';
import { projectRoot } from '../src/runtime/node-import.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'lectern-bench-'));
const lesson = join(dir, 'one.md');
writeFileSync(lesson, '---\ntitle: one cell\n---\n\n```ts\n1 + 1\n```\n');

const timeMs = (run: () => void): number => {
  const start = performance.now();
  run();
  return performance.now() - start;
};
const cli: number[] = [];
const child: number[] = [];
const dom: number[] = [];
const probe = `const t = performance.now(); const { installDom } = await import('./src/runtime/headless-dom.ts'); installDom();
const d = performance.now(); const r = (await import('node:module')).createRequire(import.meta.url); r('@observablehq/inputs'); r('@observablehq/plot');
console.log(JSON.stringify({ dom: d - t, packages: performance.now() - d }));`;
const packages: number[] = [];
for (let i = 0; i < rounds; i++) {
  cli.push(timeMs(() => execFileSync('node', ['bin/lectern.mjs', 'run', lesson], { cwd: projectRoot, stdio: 'ignore' })));
  const start = performance.now();
  await runLessonHeadless({ source: '---\ntitle: one\n---\n\n```ts\n1 + 1\n```\n' });
  child.push(performance.now() - start);
  const out = JSON.parse(execFileSync('node', ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: projectRoot, encoding: 'utf8' })) as { dom: number; packages: number };
  dom.push(out.dom);
  packages.push(out.packages);
}
rmSync(dir, { recursive: true, force: true });
const result = { rounds, lecternRunMs: median(cli), lessonProcessMs: median(child), installDomMs: median(dom), inputsAndPlotMs: median(packages) };
console.log(values.json ? JSON.stringify(result) : Object.entries(result).map(([k, v]) => `${k.padEnd(16)} ${typeof v === 'number' ? v.toFixed(0) : v}`).join('\n'));
