/**
 * The headless runner keeps the command alive and the output whole whatever a lesson does (issue 12):
 * code outside the loop guard stops at the timeout, errors that reach no cell go to the cell they came
 * from, running out of memory names the cell. Each lesson runs in a process of its own.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runLessonHeadless } from '../../src/runtime/headless.ts';

const lesson = (...cells: string[]) => ['---', 'title: Isolation', '---', '', ...cells.flatMap((c) => ['```ts', c, '```', ''])].join('\n');

describe('headless runs in a process of their own', () => {
  it('stop code that never lets the event loop turn at the timeout, naming its cell and keeping earlier output', async () => {
    // The second cell reads the first, so the first has run (and displayed) when the loop starts.
    const result = await runLessonHeadless({ source: lesson('const ready = true; display("before")', 'ready && new Function("while (true) {}")()'), timeoutMs: 1500 });
    expect(result.cells[0]).toMatchObject({ outputs: ['before'] });
    expect(result.cells[1].error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('still running after 1500 ms, inside its own code: the event loop never turned') });
    expect(result.ok).toBe(false);
  });

  it('give a rejection nobody handled and a throw in a timer to the cell they came from; the rest runs on', async () => {
    const result = await runLessonHeadless({
      source: lesson(
        'Promise.reject(new Error("nobody catches me"));\nconst a = 1;',
        '(setTimeout(() => { throw new TypeError("thrown later"); }, 5), "scheduled")',
        'const b = await new Promise((r) => setTimeout(() => r(a + 1), 50))',
        'b * 10',
      ),
    });
    expect(result.cells[0].error).toMatchObject({ kind: 'uncaught', name: 'Error', message: 'nobody catches me — a rejected promise nobody handled', line: 1, fileLine: 6 });
    expect(result.cells[1]).toMatchObject({ outputs: ['"scheduled"'], error: { kind: 'uncaught', name: 'TypeError', message: 'thrown later — uncaught, in a timer or callback', line: 1 } });
    expect(result.cells[3]).toMatchObject({ outputs: ['20'] });
    expect(result.cells[3].error).toBeUndefined();
  });

  it('give a throw in a timer due after the cells finished, and in a DOM event listener, to their cells', async () => {
    const result = await runLessonHeadless({
      source: lesson(
        'setTimeout(() => { throw new Error("after the end") }, 30);\nconst c = 1;',
        'const target = new EventTarget();\ntarget.addEventListener("x", () => { throw new Error("in a listener") });\ntarget.dispatchEvent(new Event("x"));\nconst d = 2;',
        'c + d',
      ),
    });
    expect(result.cells[0].error).toMatchObject({ kind: 'uncaught', message: 'after the end — uncaught, in a timer or callback', line: 1 });
    expect(result.cells[1].error).toMatchObject({ kind: 'uncaught', message: 'in a listener — uncaught, in a timer or callback', line: 2 });
    expect(result.cells[2]).toMatchObject({ outputs: ['3'] });
  });

  it('report an uncaught value without a stack as a problem of the run, saying why no cell is named', async () => {
    const result = await runLessonHeadless({ source: lesson('Promise.reject(42);', '1') });
    expect(result.problems).toEqual(['42 — a rejected promise nobody handled (not an Error, so no stack names its cell: throw or reject with an Error)']);
    expect(result.cells[1]).toMatchObject({ outputs: ['1'] });
  });

  it('name the cell that runs out of memory, with the heap limit, and keep the others\' output', { timeout: 120_000 }, async () => {
    const result = await runLessonHeadless({ source: lesson('const ready = true; display("before")', 'ready && new Array(1e9).fill(0).length'), heapMb: 128 });
    expect(result.cells[1].error).toMatchObject({ kind: 'memory', message: "ran out of memory: the lesson's JavaScript heap reached its limit of 128 MB (raise it with --heap MB)" });
    expect(result.cells[0].outputs).toEqual(['before']);
    expect(result.ok).toBe(false);
  });

  it('send what cells log to the log stream, never into the result', async () => {
    const log = new PassThrough();
    let logged = '';
    log.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const result = await runLessonHeadless({ source: lesson('(console.log("from the cell"), console.error("to stderr"), 1)'), log });
    expect(result.cells[0].outputs).toEqual(['1']);
    expect(logged).toContain('from the cell\n');
    expect(logged).toContain('to stderr\n');
  });
});
