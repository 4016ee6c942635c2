/** createLessonRuntime({followGenerators: true}): headless runs wait for generators to end. */
import { afterEach, describe, expect, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { createLessonRuntime, type LessonRuntime } from '../../src/runtime/lesson-runtime.ts';

let runtime: LessonRuntime | undefined;
afterEach(() => runtime?.dispose());

/** Defines `cells` and records each cell's values, yields and finishes. */
function start(cells: Record<string, string>, followGenerators: boolean) {
  const log: string[] = [];
  runtime = createLessonRuntime({
    followGenerators,
    observe: (cell) => ({
      fulfilled: (v) => log.push(`${cell.id} = ${String(v)}`),
      rejected: (e) => log.push(`${cell.id} ✗ ${e.message}`),
      yielded: (name, v) => log.push(`${cell.id} yields ${name} = ${String(v)}`),
      finished: () => log.push(`${cell.id} finished`),
    }),
  });
  for (const [id, source] of Object.entries(cells)) runtime.define(compileCell({ id, source }));
  return { runtime, log };
}

const epochs = 'const epoch = (async function* () { for (let i = 1; i <= 3; i++) { await new Promise((r) => setTimeout(r, 5)); yield i; } })()';

describe('followGenerators', () => {
  it('keeps a declared generator\'s cell busy until it ends; dependents see every value, the last one last', async () => {
    const { runtime, log } = start({ gen: epochs, read: '`epoch ${epoch}`' }, true);
    await runtime.idle();
    expect(runtime.busy()).toEqual([]);
    expect(log.filter((l) => l.startsWith('gen'))).toEqual(['gen yields epoch = 1', 'gen yields epoch = 2', 'gen yields epoch = 3', 'gen finished']);
    expect(log.filter((l) => l.startsWith('read ='))).toEqual(['read = epoch 1', 'read = epoch 2', 'read = epoch 3']);
    expect(log.lastIndexOf('read finished')).toBeGreaterThan(log.indexOf('read = epoch 3'));
  });

  it('waits for an expression cell\'s own generator; its last value is the cell\'s', async () => {
    const { runtime, log } = start({ count: '(function* () { yield 1; yield 2; })()' }, true);
    await runtime.idle();
    expect(log).toEqual(['count = 1', 'count = 2', 'count finished']);
  });

  it('without it, a generator\'s cell is idle at its first value (the page)', async () => {
    const { runtime, log } = start({ gen: epochs, read: '`epoch ${epoch}`' }, false);
    await runtime.idle();
    expect(log.filter((l) => l.startsWith('read ='))).toEqual(['read = epoch 1']);
    expect(runtime.busy()).toEqual([]);
  });

  it('does not follow view() inputs, which wait for the reader', async () => {
    const { runtime, log } = start({ input: 'const x = view({ value: 4 })', twice: 'x * 2' }, true);
    await runtime.idle();
    expect(log).toContain('twice = 8');
    expect(runtime.busy()).toEqual([]);
  });

  it('ends a cell whose generator throws, with its error', async () => {
    const { runtime, log } = start({ bad: '(function* () { yield 1; throw new Error("no more"); })()' }, true);
    await runtime.idle();
    expect(log).toEqual(['bad = 1', 'bad ✗ no more', 'bad finished']);
  });

  it('counts a superseded run\'s generator as ended (the runtime returns it)', async () => {
    const { runtime, log } = start({ n: 'const n = 1000', gen: 'const g = (async function* () { yield n; await new Promise((r) => setTimeout(r, n)); yield -1; })()', read: 'g' }, true);
    await new Promise((r) => setTimeout(r, 20));
    runtime.redefine('n', 'const n = 1');
    await runtime.idle();
    expect(log.filter((l) => l.startsWith('read ='))).toEqual(['read = 1000', 'read = 1', 'read = -1']);
    expect(runtime.busy()).toEqual([]);
  });
});
