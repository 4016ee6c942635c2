/** Inline expressions on the lesson runtime: reactive like cells, shown as Framework shows them. */
import { describe, expect, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { parseLesson } from '../../src/lesson/parse.ts';
import { rich } from '../../src/runtime/display.ts';
import { compileInline, inlineParts, inlineText } from '../../src/runtime/inline.ts';
import { createLessonRuntime } from '../../src/runtime/lesson-runtime.ts';

/** Runs a lesson's cells and inline expressions; records each inline's events. */
function runLesson(markdown: string) {
  const lesson = parseLesson(markdown);
  const events = new Map<string, string[]>();
  const push = (id: string, event: string) => events.set(id, [...(events.get(id) ?? []), event]);
  const runtime = createLessonRuntime({
    observe: (cell) => ({
      fulfilled: (v) => push(cell.id, `value ${inlineText(v)}`),
      display: (v) => push(cell.id, `display ${inlineText(v)}`),
      settled: () => push(cell.id, 'settled'),
      rejected: (e) => push(cell.id, `error ${e.kind}: ${e.message}`),
    }),
  });
  for (const cell of lesson.cells) runtime.define(compileCell(cell));
  for (const inline of lesson.inlines) runtime.define(compileInline(inline));
  return { lesson, runtime, events };
}

describe('inline expressions on the runtime', () => {
  it('show the value of what they read, and follow it when a cell changes', async () => {
    const { runtime, events } = runLesson(['Validation reached ${(accuracy * 100).toFixed(1)}% in ${epochs} epochs.', '', '```ts', 'const accuracy = 0.875, epochs = 5', '```'].join('\n'));
    await runtime.idle();
    expect(events.get('inline-1')).toEqual(['value 87.5']);
    expect(events.get('inline-2')).toEqual(['value 5']);
    runtime.redefine('cell-1', 'const accuracy = 0.9, epochs = 5');
    await runtime.idle();
    expect(events.get('inline-1')).toEqual(['value 87.5', 'value 90.0']);
    runtime.dispose();
  });

  it('show only what they display when they call display(), as Framework documents', async () => {
    const { runtime, events } = runLesson('Two values: ${display(1), display(2)}.');
    await runtime.idle();
    expect(events.get('inline-1')).toEqual(['display 1', 'display 2', 'settled']);
    runtime.dispose();
  });

  it('fail at the expression, naming what is wrong, while the rest runs', async () => {
    const { runtime, events, lesson } = runLesson(['A ${const x = 1} B ${missing} C ${1 + 1}', ''].join('\n'));
    await runtime.idle();
    expect(lesson.inlines.map((i) => i.source)).toEqual(['const x = 1', 'missing', '1 + 1']);
    expect(events.get('inline-1')?.[0]).toMatch(/^error syntax: An inline expression \$\{…\} must be a single expression/);
    expect(events.get('inline-2')).toEqual(['error undefined: "missing" is not defined: no cell declares it and it is not in the library']);
    expect(events.get('inline-3')).toEqual(['value 2']);
    runtime.dispose();
  });
});

describe('inlineParts and inlineText', () => {
  const node = { nodeType: 1, toString: () => '<node>' };
  it('insert a node, show text as text, an iterable item by item', () => {
    expect(inlineParts('a < b')).toEqual([{ kind: 'text', text: 'a < b' }]);
    expect(inlineParts(node)).toEqual([{ kind: 'node', node }]);
    expect(inlineParts([1, node, 'x'])).toEqual([{ kind: 'text', text: '1' }, { kind: 'node', node }, { kind: 'text', text: 'x' }]);
    expect(inlineText([1, 2, 3])).toBe('123');
    expect(inlineText(undefined)).toBe('undefined');
    expect(inlineText(Symbol('s'))).toBe('Symbol(s)');
  });

  it('show a displayable value as its HTML on a page and its text on the command line', () => {
    const value = rich({ text: '87.5%', html: '<b>87.5%</b>' });
    expect(inlineParts(value)).toEqual([{ kind: 'html', html: '<b>87.5%</b>' }]);
    expect(inlineText(value)).toBe('87.5%');
    expect(inlineParts(rich({ text: 'plain' }))).toEqual([{ kind: 'text', text: 'plain' }]);
  });
});
