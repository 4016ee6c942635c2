/**
 * Issue 12, item 10 at run time: a cell that changes JavaScript's built-ins in a way the compiler
 * cannot see (an alias of globalThis, Object.defineProperty on a prototype, after an await) fails
 * at that cell, saying what it changed; the built-ins are put back, so other cells (and Lectern)
 * keep working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runLessonHeadless } from '../../src/runtime/headless.ts';
import { outcomes, recordRuntime, type Recorded } from './recorder.ts';

let current: Recorded | undefined;
afterEach(() => {
  current?.runtime.dispose();
  current = undefined;
});

describe('built-ins guard', () => {
  it('fails the cell that replaced a global, polluted a prototype or replaced one after an await; puts them back', async () => {
    const originalJson = JSON;
    current = recordRuntime({
      alias: 'const g = globalThis; g.JSON = null; const a = 1',
      pollute: "Object.defineProperty(Object.getPrototypeOf({}), 'polluted', { value: 1, configurable: true, enumerable: true }); const b = 2",
      later: 'const c = await Promise.resolve().then(() => { const w = globalThis; w.Math = 1; return 3; })',
      removed: 'Reflect.deleteProperty(Array.prototype, "map"); const d = 4',
      fine: 'JSON.stringify({ max: Math.max(1, 2), polluted: ({}).polluted ?? "none", mapped: [1].map((x) => x + 1) })',
    });
    await current.runtime.idle();
    expect(outcomes(current, 'alias')).toEqual([expect.stringMatching(/^error runtime: This cell changed JavaScript's built-ins \(replaced globalThis\.JSON\).*put them back/)]);
    expect(outcomes(current, 'pollute')).toEqual([expect.stringMatching(/\(added Object\.prototype\.polluted\)/)]);
    expect(outcomes(current, 'later')).toEqual([expect.stringMatching(/\(replaced globalThis\.Math\)/)]);
    expect(outcomes(current, 'removed')).toEqual([expect.stringMatching(/\(deleted Array\.prototype\.map\)/)]);
    expect(outcomes(current, 'fine')).toEqual(['value {"max":2,"polluted":"none","mapped":[2]}']);
    expect(JSON).toBe(originalJson);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });
});

describe('built-ins changed after an await', () => {
  it('are put back before the next cell runs, and the cell that was awaiting fails', async () => {
    current = recordRuntime({
      awaiting: 'const z = await Promise.resolve().then(() => { const j = JSON; j.stringify = () => "x"; return 1 })',
      reader: 'JSON.stringify([1])',
    });
    await current.runtime.idle();
    expect(outcomes(current, 'reader')).toEqual(['value [1]']);
    expect(outcomes(current, 'awaiting')).toEqual([expect.stringMatching(/\(replaced JSON\.stringify\)/)]);
  });

  it('are put back before a value is reported, so lectern run formats it with the real JSON', async () => {
    const result = await runLessonHeadless({
      source: '---\ntitle: t\n---\n\n```js\nconst z = await Promise.resolve().then(() => { const j = JSON; j.stringify = () => "x"; return 1 })\n```\n\n```js\n"a string"\n```\n',
    });
    expect(result.cells[0].error?.message).toMatch(/\(replaced JSON\.stringify\)/);
    expect(result.cells[1].outputs).toEqual(['"a string"']);
  }, 60_000);
});
