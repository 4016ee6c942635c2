import { afterEach, describe, expect, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { LoopBudgetError } from '../../src/cells/loop-guard.ts';
import { outcomes, recordRuntime, type Recorded } from './recorder.ts';

let current: Recorded | undefined;
function setup(...args: Parameters<typeof recordRuntime>): Recorded {
  current = recordRuntime(...args);
  return current;
}
afterEach(() => {
  current?.runtime.dispose();
  current = undefined;
});

/** A library function cells call to count their runs (cells may not assign outside names). */
function runCounter() {
  const runs: string[] = [];
  return { runs, library: { ran: () => (name: string) => void runs.push(name) } };
}

describe('createLessonRuntime', () => {
  it('shows an expression cell\'s value and runs program cells for their names', async () => {
    const r = setup({ a: 'const a: number = 20', b: 'const b = a + 1', c: 'a * b' });
    await r.runtime.idle();
    expect(outcomes(r, 'c')).toEqual(['value 420']);
    expect(outcomes(r, 'a')).toEqual(['settled']);
    expect(await r.runtime.value('b')).toBe(21);
  });

  it('redefining an input recomputes each dependent once, and nothing else', async () => {
    const { runs, library } = runCounter();
    const r = setup(
      {
        input: 'const x = 1',
        left: 'ran("left"); const l = x + 1',
        right: 'ran("right"); const rr = x * 10',
        join: 'ran("join"); const j = l + rr',
        unrelated: 'ran("unrelated"); const u = 0',
      },
      { library },
    );
    await r.runtime.idle();
    expect([...runs].sort()).toEqual(['join', 'left', 'right', 'unrelated']);
    runs.length = 0;
    r.runtime.redefine('input', 'const x = 2');
    await r.runtime.idle();
    expect([...runs].sort()).toEqual(['join', 'left', 'right']);
    expect(await r.runtime.value('j')).toBe(23);
  });

  it('never displays a stale result of a superseded run', async () => {
    const r = setup({
      delay: 'const delay = 80',
      slow: '(await new Promise((resolve) => setTimeout(resolve, delay)), display(`displayed after ${delay}`), `value after ${delay}`)',
    });
    // Supersede the first run while it is still waiting.
    await new Promise((resolve) => setTimeout(resolve, 10));
    r.runtime.redefine('delay', 'const delay = 5');
    await r.runtime.idle();
    // It calls display(), so its value is not shown too (Framework's implicit display rule).
    expect(outcomes(r, 'slow')).toEqual(['display displayed after 5', 'settled']);
  });

  it('resolves invalidation before the re-run', async () => {
    const { runs, library } = runCounter();
    const r = setup({ n: 'const n = 1', watcher: 'invalidation.then(() => ran(`invalidated ${n}`)); ran(`run ${n}`); n' }, { library });
    await r.runtime.idle();
    r.runtime.redefine('n', 'const n = 2');
    await r.runtime.idle();
    expect(runs).toEqual(['run 1', 'invalidated 1', 'run 2']);
  });

  it('resolves invalidation when a cell is removed, and its names disappear', async () => {
    const { runs, library } = runCounter();
    const r = setup({ a: 'invalidation.then(() => ran("a invalidated")); const a = 1', b: 'a + 1' }, { library });
    await r.runtime.idle();
    expect(outcomes(r, 'b')).toEqual(['value 2']);
    r.runtime.remove('a');
    await r.runtime.idle();
    expect(runs).toEqual(['a invalidated']);
    expect(r.errorOf('b')?.kind).toBe('undefined');
    expect(r.runtime.cells().map((c) => c.id)).toEqual(['b']);
  });

  describe('errors stay at their cell while every other cell keeps running', () => {
    const healthy = { ok1: 'const base = 10', ok2: 'base * 2' };

    it('a syntax error, with its position in the cell', async () => {
      const r = setup({ ...healthy, bad: 'const x = 1;\nconst y = (x +;' });
      await r.runtime.idle();
      expect(r.errorOf('bad')).toMatchObject({ kind: 'syntax', name: 'SyntaxError', line: 2, column: 15 });
      expect(outcomes(r, 'ok2')).toEqual(['value 20']);
    });

    it('a runtime throw, keeping the error type, with the line it was thrown from', async () => {
      const r = setup({ ...healthy, bad: 'const n: number = 1;\nthrow new TypeError("no tensor")', after: 'const after = 1' });
      await r.runtime.idle();
      expect(r.errorOf('bad')).toMatchObject({ kind: 'runtime', name: 'TypeError', message: 'no tensor', line: 2 });
      expect(outcomes(r, 'ok2')).toEqual(['value 20']);
      expect(await r.runtime.value('after')).toBe(1);
    });

    it('a name nothing defines', async () => {
      const r = setup({ ...healthy, bad: 'nowhere + base' });
      await r.runtime.idle();
      expect(r.errorOf('bad')?.kind).toBe('undefined');
      expect(r.errorOf('bad')?.message).toContain('"nowhere" is not defined');
      expect(outcomes(r, 'ok2')).toEqual(['value 20']);
    });

    it('two cells defining the same name: both run, and a cell reading it names both, until one is renamed', async () => {
      const r = setup({ ...healthy, first: 'const twice = 1; display("first ran")', second: 'const twice = 2', reader: 'twice', indirect: 'const later = twice + 1' });
      await r.runtime.idle();
      expect(outcomes(r, 'first')).toEqual(['display first ran', 'settled']);
      expect(r.errorOf('second')).toBeUndefined();
      expect(r.errorOf('reader')?.kind).toBe('duplicate');
      expect(r.errorOf('reader')?.message).toBe('"twice" is defined more than once (declared by first and second): rename all but one so this cell knows which to read');
      expect(r.errorOf('indirect')?.kind).toBe('duplicate');
      expect(outcomes(r, 'ok2')).toEqual(['value 20']);
      r.runtime.redefine('second', 'const once = 2');
      await r.runtime.idle();
      expect(r.errorOf('reader')).toBeUndefined();
      expect(outcomes(r, 'reader').at(-1)).toBe('value 1');
      expect(await r.runtime.value('later')).toBe(2);
    });

    it('a circular dependency, naming the cycle', async () => {
      const r = setup({ ...healthy, p: 'const p = q + 1', q: 'const q = p + 1' });
      await r.runtime.idle();
      expect(r.errorOf('p')?.kind).toBe('circular');
      expect(r.errorOf('p')?.message).toContain('p reads q → p');
      expect(r.errorOf('q')?.kind).toBe('circular');
      expect(outcomes(r, 'ok2')).toEqual(['value 20']);
    });

    it('assigning another cell\'s variable', async () => {
      const r = setup({ ...healthy, bad: 'base = 3' });
      await r.runtime.idle();
      expect(r.errorOf('bad')).toMatchObject({ kind: 'syntax', line: 1, column: 1 });
      expect(r.errorOf('bad')?.message).toContain('Assignment to "base"');
      expect(outcomes(r, 'ok2')).toEqual(['value 20']);
    });

    it('a dependent of a failed cell names the failed input', async () => {
      const r = setup({ bad: 'const broken = JSON.parse("{")', dependent: 'broken' });
      await r.runtime.idle();
      expect(r.errorOf('dependent')).toMatchObject({ kind: 'input' });
      expect(r.errorOf('dependent')?.message).toContain('input "broken" failed');
    });
  });

  it('stops `while (true) {}` with the loop guard; the other cells still run', async () => {
    const r = setup({ spin: 'let i = 0;\nwhile (true) {}', ok: '1 + 1' }, { loopBudgetMs: 100 });
    await r.runtime.idle();
    expect(r.errorOf('spin')).toMatchObject({ kind: 'loop', name: 'LoopBudgetError', line: 2 });
    expect(r.errorOf('spin')?.cause).toBeInstanceOf(LoopBudgetError);
    expect(outcomes(r, 'ok')).toEqual(['value 2']);
  });

  it('lets a long loop run when it awaits (the event loop gets turns)', async () => {
    const r = setup({
      patient: 'let turns = 0;\nconst started = Date.now();\nwhile (Date.now() - started < 200) { await new Promise((resolve) => setTimeout(resolve, 5)); turns++; }\nturns > 0',
    }, { loopBudgetMs: 50 });
    await r.runtime.idle();
    expect(r.errorOf('patient')).toBeUndefined();
    expect(outcomes(r, 'patient')).toEqual(['settled']);
  });

  it('displays each value a generator yields, and its dependents follow', async () => {
    const r = setup({
      gen: '(function* () { yield 1; yield 2; yield 3; })()',
      ticks: 'const ticks = (async function* () { for (let i = 1; i <= 3; i++) { await new Promise((r) => setTimeout(r, 5)); yield i * 10; } })()',
      last: 'ticks',
    });
    await r.runtime.idle();
    // Let the generators run to completion (one value per frame).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outcomes(r, 'gen')).toEqual(['value 1', 'value 2', 'value 3']);
    expect(outcomes(r, 'last')).toEqual(['value 10', 'value 20', 'value 30']);
  });

  it('returns a generator when its cell is invalidated', async () => {
    const { runs, library } = runCounter();
    const r = setup({ k: 'const k = 1', gen: '(function* () { try { while (true) yield k; } finally { ran("returned") } })()' }, { library });
    await r.runtime.idle();
    r.runtime.redefine('k', 'const k = 2');
    await r.runtime.idle();
    expect(runs).toContain('returned');
  });

  it('waits for top-level await', async () => {
    const r = setup({ slow: 'const v = await new Promise((r) => setTimeout(() => r(7), 20))', show: 'v * 6' });
    await r.runtime.idle();
    expect(outcomes(r, 'show')).toEqual(['value 42']);
  });

  it('display() appends within a run and a new run starts afresh', async () => {
    const r = setup({ n: 'const n = 2', shows: 'for (let i = 0; i < n; i++) display(i);' });
    await r.runtime.idle();
    r.runtime.redefine('n', 'const n = 3');
    await r.runtime.idle();
    expect(r.events.get('shows')).toEqual(['pending', 'display 0', 'display 1', 'settled', 'pending', 'display 0', 'display 1', 'display 2', 'settled']);
  });

  it('view(input) displays the input and its dependents follow its "input" events', async () => {
    const input = Object.assign(new EventTarget(), { value: 0.5 });
    const r = setup({ slider: 'const dropout = view(slider)', uses: '`dropout ${dropout}`' }, { library: { slider: () => input } });
    await r.runtime.idle();
    expect(outcomes(r, 'slider')[0]).toBe(`display ${String(input)}`);
    input.value = 0.2;
    input.dispatchEvent(new Event('input'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await r.runtime.idle();
    expect(outcomes(r, 'uses')).toEqual(['value dropout 0.5', 'value dropout 0.2']);
  });

  it('passes the declared name to a custom view function', async () => {
    const names: (string | undefined)[] = [];
    const r = setup({ v: 'const epochs = view({ value: 3 })', w: 'view({ value: 4 })' }, {
      view: (input, name) => {
        names.push(name);
        return (input as { value: number }).value;
      },
    });
    await r.runtime.idle();
    expect(names.sort()).toEqual(['epochs', undefined]);
    expect(await r.runtime.value('epochs')).toBe(3);
  });

  it('resolves imports through the injected importModule', async () => {
    const requested: string[] = [];
    const importModule = async (specifier: string) => {
      requested.push(specifier);
      return { default: 'D', answer: 42, specifier };
    };
    const r = setup({ imp: 'import D, { answer } from "some-package";\nimport * as ns from "/src/x.ts";', use: '`${D} ${answer} ${ns.specifier}`', dyn: '(await import("./y.ts")).specifier' }, { importModule });
    await r.runtime.idle();
    expect(requested.sort()).toEqual(['./y.ts', '/src/x.ts', 'some-package']);
    expect(outcomes(r, 'use')).toEqual(['value D 42 /src/x.ts']);
    expect(outcomes(r, 'dyn')).toEqual(['value ./y.ts']);
  });

  it('defines a cell again under the same id without touching others', async () => {
    const { runs, library } = runCounter();
    const r = setup({ a: 'ran("a"); const a = 1', b: 'ran("b"); const b = 2' }, { library });
    await r.runtime.idle();
    runs.length = 0;
    r.runtime.define(compileCell({ id: 'a', source: 'ran("a"); const a = 5' }));
    await r.runtime.idle();
    expect(runs).toEqual(['a']);
    expect(await r.runtime.value('a')).toBe(5);
  });

  it('dispose() returns running generators and resolves pending idle() calls', async () => {
    const { runs, library } = runCounter();
    const r = setup({ gen: '(function* () { try { for (;;) yield 1; } finally { ran("returned") } })()', stuck: 'await new Promise(() => {})' }, { library });
    const idle = r.runtime.idle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.runtime.busy()).toEqual(['stuck']);
    r.runtime.dispose();
    await idle;
    expect(runs).toEqual(['returned']);
  });

  it('rejects redefine of an unknown cell with the known ids', () => {
    const r = setup({ a: 'const a = 1' });
    expect(() => r.runtime.redefine('zz', '1')).toThrow(/no cell "zz" \(cells: a\)/);
  });
});
