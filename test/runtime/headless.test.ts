import { describe, expect, it } from 'vitest';
import { headlessInputs } from '../../src/runtime/headless-inputs.ts';
import { headlessPlot } from '../../src/runtime/headless-plot.ts';
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

  it('runs Plot calls without a DOM', async () => {
    const result = await runLessonHeadless({ source: lesson('Plot.plot({ marks: [Plot.lineY([1, 2, 3]), Plot.dot(pts)] })', 'const pts = [[0, 1]]') });
    expect(result.cells[0].outputs).toEqual(['Plot(lineY[3], dot[1])']);
  });
});

describe('headless inputs', () => {
  it('parse --set text like the input would', () => {
    expect(headlessInputs.range([0, 1]).parse('0.25')).toBe(0.25);
    expect(() => headlessInputs.range([0, 1]).parse('x')).toThrow('expected a number, got "x"');
    expect(() => headlessInputs.range([0, 1]).parse('2')).toThrow('2 is outside [0, 1]');
    expect(headlessInputs.select([1, 2, 3]).parse('2')).toBe(2);
    expect(headlessInputs.toggle().parse('yes')).toBe(true);
    expect(headlessInputs.checkbox(['a', 'b', 'c']).parse('a, c')).toEqual(['a', 'c']);
    expect(headlessInputs.text().parse('hello')).toBe('hello');
  });

  it('stand in for any other input with its value option', () => {
    const table = headlessInputs.table([{ a: 1 }], { label: 'Rows', value: [] });
    expect(String(table)).toBe('Rows: []');
    expect(headlessInputs.date({ label: 'Day' }).value).toBeNull();
  });

  it('start from the same values as Observable Inputs', () => {
    expect(headlessInputs.range([0, 10]).value).toBe(5);
    expect(headlessInputs.range([0, 10], { step: 3 }).value).toBe(6);
    expect(headlessInputs.select(['a', 'b']).value).toBe('a');
    expect(headlessInputs.radio(['a', 'b']).value).toBeNull();
    expect(headlessInputs.toggle().value).toBe(false);
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
    expect(formatValue(headlessPlot.plot({ marks: [] }))).toBe('Plot(no marks)');
    expect(formatValue(undefined)).toBe('undefined');
  });
});
