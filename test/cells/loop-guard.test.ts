import { describe, expect, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { guardedFunction, guardSource } from '../../src/cells/dynamic-code.ts';
import { createLoopGuard, LoopBudgetError } from '../../src/cells/loop-guard.ts';
import type { CellContext } from '../../src/cells/types.ts';

/** A guard on a fake clock whose "event loop turn" runs only when the test says so. */
function fakeGuard(budgetMs: number) {
  let time = 0;
  let pendingTurns: (() => void)[] = [];
  const guard = createLoopGuard({ budgetMs, now: () => time, schedule: (callback) => void pendingTurns.push(callback) });
  return {
    guard,
    advance: (ms: number) => void (time += ms),
    giveTurn: () => {
      const turns = pendingTurns;
      pendingTurns = [];
      for (const turn of turns) turn();
    },
  };
}

/** Calls the guard until it throws or `limit` calls pass; returns the number of calls made. */
function spin(guard: () => void, advance: (ms: number) => void, msPerCall: number, limit: number): number {
  for (let calls = 1; calls <= limit; calls++) {
    guard();
    advance(msPerCall);
  }
  return limit;
}

describe('createLoopGuard', () => {
  it('lets a loop run until the budget is spent without an event loop turn, then throws', () => {
    const { guard, advance } = fakeGuard(100);
    // 1 ms per iteration: fine for the first 100 ms...
    expect(spin(guard, advance, 1, 100)).toBe(100);
    // ...and stopped soon after (the clock is read every 256 calls).
    expect(() => spin(guard, advance, 1, 1000)).toThrow(LoopBudgetError);
  });

  it('counts only time since the event loop last got a turn', () => {
    const { guard, advance, giveTurn } = fakeGuard(100);
    // 50 stretches of 80 ms each = 4 s in total, but never 100 ms without a turn.
    for (let stretch = 0; stretch < 50; stretch++) {
      expect(() => spin(guard, advance, 80 / 512, 512)).not.toThrow();
      giveTurn();
    }
  });

  it('keeps throwing while the stretch lasts, so a caught error does not let the loop go on', () => {
    const { guard, advance } = fakeGuard(10);
    expect(() => spin(guard, advance, 1, 1000)).toThrow(LoopBudgetError);
    expect(() => spin(guard, advance, 0, 256)).toThrow(LoopBudgetError);
  });

  it('says what happened and how long the budget was', () => {
    expect(new LoopBudgetError(2000).message).toMatch(/more than 2000 ms without yielding/);
  });
});

describe('guarded cell code', () => {
  const run = (source: string, budgetMs: number): unknown => {
    const cell = compileCell({ source, lang: 'js' });
    const body = new Function(`return (${cell.body})`)() as (context: CellContext) => unknown;
    const guard = createLoopGuard({ budgetMs });
    return body({ guard, import: () => Promise.reject(new Error('no imports')), Function: guardedFunction({ guard }), code: guardSource });
  };

  it('stops loops in code made at run time: new Function, Function and a direct eval that sees the cell', () => {
    for (const source of ['new Function("while (true) {}")()', 'Function("a", "for (;;) {}")(1)', 'eval("do {} while (true)")']) {
      expect(() => run(source, 50), source).toThrow(LoopBudgetError);
    }
    expect(run('((k) => eval("let s = 0; for (let i = 0; i < 3; i++) s += k; s"))(20)', 50)).toBe(60);
    expect(run('new Function("a", "b", "return a * b")(6, 7)', 50)).toBe(42);
    expect(() => run('new Function("return (")', 50)).toThrow(SyntaxError);
  });

  it('stops every kind of infinite loop', () => {
    for (const loop of ['while (true) {}', 'for (;;);', 'do {} while (true)', 'for (const x of (function* () { for (;;) yield 1; })()) {}', 'label: while (true) continue label;']) {
      expect(() => run(loop, 30), loop).toThrow(LoopBudgetError);
    }
  });

  it('stops a runaway loop inside a function the cell calls', () => {
    expect(() => run('function forever() { while (true) {} }\nforever();', 30)).toThrow(LoopBudgetError);
  });

  it('leaves finite loops\' results unchanged', () => {
    const result = run('let s = 0; for (let i = 0; i < 1000; i++) for (const j of [1, 2]) s += i * j;', 1000) as { s: number };
    expect(result.s).toBe((1000 * 999 / 2) * 3);
  });
});
