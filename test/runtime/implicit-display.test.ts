/**
 * Framework's implicit display: an expression cell shows its value, unless it calls display(),
 * then it shows only what it displays. The rule is compiled into the cell, so the runtime's
 * observers (the page) and the headless runner show the same thing.
 */
import { describe, expect, it } from 'vitest';
import { runLessonHeadless } from '../../src/runtime/headless.ts';
import { outcomes, recordRuntime } from './recorder.ts';

const lesson = (...cells: string[]) => ['# Display', '', ...cells.flatMap((c) => ['```js', c, '```', ''])].join('\n');

describe('implicit display', () => {
  it('display(1), display(2) shows 1 and 2 once each, and no value', async () => {
    const r = recordRuntime({ both: 'display(1), display(2)' });
    await r.runtime.idle();
    expect(outcomes(r, 'both')).toEqual(['display 1', 'display 2', 'settled']);
    const headless = await runLessonHeadless({ source: lesson('display(1), display(2)') });
    expect(headless.cells[0].outputs).toEqual(['1', '2']);
  });

  it('an expression that does not call display() shows its value', async () => {
    const headless = await runLessonHeadless({ source: lesson('1 + 2', '1 + 2;', '[3, 4].map((n) => n * 2).length') });
    expect(headless.cells.map((c) => c.outputs)).toEqual([['3'], [], ['2']]);
  });

  it('a display() inside a callback counts too: the expression is run, not shown', async () => {
    const headless = await runLessonHeadless({ source: lesson('[1, 2].forEach((n) => display(n * 10)), "not shown"') });
    expect(headless.cells[0].outputs).toEqual(['10', '20']);
  });
});
