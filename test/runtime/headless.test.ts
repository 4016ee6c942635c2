import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rich } from '../../src/runtime/display.ts';
import { installDom } from '../../src/runtime/headless-dom.ts';
import { setFromText, type InputElement } from '../../src/runtime/headless-inputs.ts';
import { runLessonHeadless } from '../../src/runtime/headless.ts';
import { formatValue } from '../../src/runtime/text.ts';

const lesson = (...cells: string[]) => ['---', 'title: Test lesson', '---', '', ...cells.flatMap((c) => ['```ts', c, '```', ''])].join('\n');

describe('runLessonHeadless', () => {
  it('captures displays and expression values as text, per cell in lesson order', async () => {
    const result = await runLessonHeadless({
      source: lesson('const xs = [1, 2, 3]', 'display("total:"); display(xs.reduce((a, b) => a + b))', '"a string"', '({ mean: 2 })'),
    });
    expect(result.ok).toBe(true);
    expect(result.title).toBe('Test lesson');
    expect(result.cells.map((c) => c.outputs)).toEqual([[], ['total:', '6'], ['"a string"'], ['{ mean: 2 }']]);
  });

  it('sets a view() input by its declared name with --set', async () => {
    const source = lesson('const dropout = view(Inputs.range([0, 0.9], { label: "Dropout", value: 0.5 }))', '`keep ${(1 - dropout).toFixed(2)}`');
    const plain = await runLessonHeadless({ source });
    expect(plain.cells.map((c) => c.outputs)).toEqual([['Dropout: 0.5'], ['"keep 0.50"']]);
    const set = await runLessonHeadless({ source, set: { dropout: '0.3' } });
    expect(set.cells.map((c) => c.outputs)).toEqual([['Dropout: 0.3'], ['"keep 0.70"']]);
    expect(set.ok).toBe(true);
  });

  it('fails the cell when a --set value does not fit the input', async () => {
    const source = lesson('const backend = view(Inputs.select(["wasm", "cpu"]))');
    const result = await runLessonHeadless({ source, set: { backend: 'tpu' } });
    expect(result.ok).toBe(false);
    expect(result.cells[0].error?.message).toBe('--set backend=tpu: "tpu" is not one of "wasm", "cpu"');
  });

  it('reports a --set name that no view declares', async () => {
    const result = await runLessonHeadless({ source: lesson('1'), set: { epochs: '3' } });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['--set epochs: no cell declares "epochs" with view(...)']);
  });

  it('reports each failing cell with its file line, and runs the rest', async () => {
    const result = await runLessonHeadless({ source: lesson('const a = 1', 'const b = (a +;', 'a + 1') });
    expect(result.ok).toBe(false);
    expect(result.cells[1]).toMatchObject({ id: 'cell-2', line: 9, error: { kind: 'syntax', line: 1, column: 15, fileLine: 10 } });
    expect(result.cells[2].outputs).toEqual(['2']);
  });

  it('gives up on a cell that never finishes, naming it, as soon as nothing else is left to run', async () => {
    const result = await runLessonHeadless({ source: lesson('const never = await new Promise(() => {})', '1', 'never + 1'), timeoutMs: 60_000 });
    expect(result.cells[0].error).toMatchObject({ kind: 'stalled', message: 'never finished: it waits for something that can no longer happen (nothing else is left to run)' });
    expect(result.cells[1].error).toBeUndefined();
    expect(result.cells[2].error).toMatchObject({ kind: 'stalled', message: 'never ran: it reads "never" of cell-1, which never finished' });
  });

  it('gives up on a cell still running at the timeout, naming it', async () => {
    const result = await runLessonHeadless({ source: lesson('const n = await new Promise((r) => setTimeout(r, 60_000))', '1'), timeoutMs: 500 });
    expect(result.cells[0].error).toMatchObject({ kind: 'timeout', message: 'still running after 500 ms' });
    expect(result.cells[1]).toMatchObject({ outputs: ['1'] });
    expect(result.cells[1].error).toBeUndefined();
  });

  it('follows generators to their end: the last value is the cell\'s, every value is kept', async () => {
    const result = await runLessonHeadless({
      source: lesson(
        'const epoch = (async function* () { for (let i = 1; i <= 3; i++) { await new Promise((r) => setTimeout(r, 5)); yield i; } })()',
        '`epoch ${epoch}`',
        '(function* () { yield "first"; yield "last"; })()',
      ),
    });
    expect(result.cells.map((c) => c.outputs)).toEqual([[], ['"epoch 3"'], ['"last"']]);
    expect(result.cells.map((c) => c.values)).toEqual([['epoch = 1', 'epoch = 2', 'epoch = 3'], ['"epoch 1"', '"epoch 2"', '"epoch 3"'], ['"first"', '"last"']]);
  });

  it('draws Plot figures with the real Plot: a line of text, and an SVG file per figure with outDir', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'lectern-figures-'));
    try {
      const result = await runLessonHeadless({
        source: lesson('Plot.plot({ title: "Loss", x: { label: "Epoch" }, marks: [Plot.lineY([0.9, 0.6, 0.45], { x: [1, 2, 3] }), Plot.dot(pts)] })', 'const pts = [[1, 0.5], [2, 0.7]]', 'display(Plot.dot(pts).plot()); display(Plot.lineY([1, 2]).plot())'),
        outDir,
      });
      expect(result.cells[0].outputs).toEqual(['Loss — Plot 640×400: line (1), dot (2) · x "Epoch →" 1.0–3.0 · y 0.45–0.90']);
      expect(result.cells[0].files).toEqual([join(outDir, 'cell-1.svg')]);
      expect(result.cells[2].files).toEqual([join(outDir, 'cell-3.svg'), join(outDir, 'cell-3-2.svg')]);
      const svg = readFileSync(join(outDir, 'cell-1.svg'), 'utf8');
      expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain('>Loss</text>'); // the figure's HTML title, drawn in the SVG
      expect(svg.match(/<circle /g)).toHaveLength(2);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('gives cells a DOM, as the page does', async () => {
    const result = await runLessonHeadless({
      source: lesson('const p = document.createElement("p"); p.append("made in a cell"); display(p)', 'typeof window', 'new Event("input") instanceof Event'),
    });
    expect(result.cells.map((c) => c.outputs)).toEqual([['made in a cell'], ['"undefined"'], ['true']]);
  });
});

// @observablehq/inputs ships no types: each factory takes data and options and returns a form with a value.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped package, see above
type InputsModule = Record<string, (...args: any[]) => InputElement>;
installDom(); // before Inputs load: they build elements with the global document
const Inputs = (await import('@observablehq/inputs' as string)) as InputsModule;

describe('headless Inputs (the real @observablehq/inputs on happy-dom)', () => {  const text = (value: unknown) => formatValue(value, { quoteStrings: true });

  it('start from the values the page gives', () => {
    expect(Inputs.select(['a', 'b'], { multiple: true }).value).toEqual([]);
    expect(Inputs.toggle({ values: [1, 0] }).value).toBe(0);
    expect(Inputs.form({ a: Inputs.range([0, 1], { value: 0.3 }), b: Inputs.text({ value: 'x' }) }).value).toEqual({ a: 0.3, b: 'x' });
    expect(Inputs.date({ value: '2024-03-01' }).value).toEqual(new Date('2024-03-01'));
    expect(Inputs.number().value).toBeUndefined();
    expect(Inputs.select(new Map([['one', 1], ['two', 2]]), { format: ([k]: [string]) => k.toUpperCase(), value: 2 }).value).toBe(2);
    expect(Inputs.range([0, 10], { step: 3 }).value).toBe(6); // the midpoint, rounded to the step
    expect(Inputs.range([0, 0.9], { step: 0.05, value: 0.5 }).value).toBe(0.5);
  });

  it('show as "label: value", never doubling the label\'s colon', () => {
    expect(formatValue(Inputs.select(['x', 'y'], { label: 'Team:' }))).toBe('Team: "x"');
    expect(formatValue(Inputs.range([0, 1], { label: 'Dropout', value: 0.25 }))).toBe('Dropout: 0.25');
    expect(formatValue(Inputs.button('Go'))).toBe('Go: 0');
    expect(formatValue(Inputs.toggle())).toBe('toggle: false');
  });

  it('take --set text as a reader sets them, with a clear message when it does not fit', () => {
    const set = (input: InputElement, value: string): unknown => (setFromText(input, value), input.value);
    expect(set(Inputs.range([0, 1], { step: 0.05 }), '0.25')).toBe(0.25);
    expect(() => set(Inputs.range([0, 1]), 'x')).toThrow('expected a number, got "x"');
    expect(() => set(Inputs.range([0, 1]), '2')).toThrow('2 is outside [0, 1]');
    expect(set(Inputs.range([-1, 1]), '-0.5')).toBe(-0.5);
    expect(set(Inputs.select([1, 2, 3]), '2')).toBe(2);
    expect(() => set(Inputs.select(['wasm', 'cpu']), 'tpu')).toThrow('"tpu" is not one of "wasm", "cpu"');
    expect(set(Inputs.select(['a', 'b', 'c'], { multiple: true }), 'a, c')).toEqual(['a', 'c']);
    expect(set(Inputs.select(new Map([['one', 1], ['two', 2]]), { format: ([k]: [string]) => k.toUpperCase() }), 'TWO')).toBe(2);
    expect(set(Inputs.checkbox(['a', 'b', 'c']), 'b,c')).toEqual(['b', 'c']);
    expect(set(Inputs.radio(['a', 'b']), 'b')).toBe('b');
    expect(set(Inputs.toggle(), 'yes')).toBe(true);
    expect(set(Inputs.toggle({ values: [1, 0] }), '1')).toBe(1);
    expect(set(Inputs.toggle({ values: ['on', 'off'] }), 'off')).toBe('off');
    expect(set(Inputs.text(), 'hello')).toBe('hello');
    expect(set(Inputs.date(), '2024-05-06')).toEqual(new Date('2024-05-06'));
    expect(() => set(Inputs.date(), 'May 6')).toThrow('"May 6" is not a valid date (write YYYY-MM-DD)');
    expect(set(Inputs.button('Go'), '3')).toBe(3);
    expect(text(Inputs.color({ value: '#FF0000' }).value)).toBe('"#ff0000"');
  });
});

describe('formatValue', () => {
  it('writes values the way a reader expects', () => {
    expect(formatValue('text')).toBe('text');
    expect(formatValue('text', { quoteStrings: true })).toBe('"text"');
    expect(formatValue('two\nlines `x` ${y}', { quoteStrings: true })).toBe('`two\nlines \\`x\\` \\${y}`');
    expect(formatValue([1, 2])).toBe('[ 1, 2 ]');
    expect(formatValue(new TypeError('bad'))).toBe('TypeError: bad');
    expect(formatValue(function fit() {})).toBe('ƒ fit()');
    expect(formatValue(undefined)).toBe('undefined');
  });

  it('shows a displayable value\'s text form, and HTML as text laid out in lines', () => {
    expect(formatValue(rich({ text: 'plain form', html: '<b>rich form</b>' }))).toBe('plain form');
    const { document } = installDom();
    const card = document.createElement('section');
    card.innerHTML = '<h4>Overfitting</h4><p>Why:</p><ul><li>a gap</li><li>of 20%</li></ul><table><tr><td>a</td><td>1</td></tr></table><style>p{}</style>';
    expect(formatValue(card)).toBe('Overfitting\nWhy:\n- a gap\n- of 20%\na | 1');
  });
});
