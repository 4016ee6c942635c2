import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezeAllButLast } from '../../../src/ml/freeze.ts';
import { mobileNetV2 } from '../../../src/ml/mobilenetv2.ts';
import { kerasColumns, summary } from '../../../src/ml/summary/text.ts';
import { kerasFixture, whiteflyModel } from './fixtures.ts';

let before = 0;
let base: tf.LayersModel;
beforeAll(() => {
  before = tf.memory().numTensors;
  base = mobileNetV2({ includeTop: false });
});
afterAll(() => {
  base.dispose();
  expect(tf.memory().numTensors).toBe(before);
});

const footer = (text: string) => text.trimEnd().split('\n').slice(-3);

describe('summary: the deck at 76 columns (Keras, output not a terminal)', () => {
  it('reproduces the deck excerpt character for character and its footer', () => {
    freezeAllButLast(base, 4);
    const text = summary(base, { showTrainable: true });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "mobilenetv2_1.00_224"');
    expect(lines.slice(1, -4).every((l) => l.length === 76)).toBe(true);
    const deck = kerasFixture('deck-mobilenetv2-trainable-last-4-76.txt').trimEnd().split('\n');
    const deckTable = deck.slice(0, deck.indexOf(''));
    const deckFooter = deck.slice(-3);
    // The table ends four lines before the end (three footer lines and the final newline).
    expect(lines.slice(-4 - deckTable.length, -4)).toEqual(deckTable);
    expect(footer(text).map((l) => l.trim())).toEqual(deckFooter);
    expect(footer(text).every((l) => l.startsWith(' '))).toBe(true);
  });

  it('has the heavy header with the columns cut as rich cuts them (19, 17, 11, 16, 7)', () => {
    const lines = summary(base, { showTrainable: true, lineLength: 76 }).split('\n');
    expect(lines[1]).toBe(`┏${'━'.repeat(19)}┳${'━'.repeat(17)}┳${'━'.repeat(11)}┳${'━'.repeat(16)}┳${'━'.repeat(7)}┓`);
    expect(lines[2]).toBe('┃ Layer (type)      ┃ Output Shape    ┃   Param # ┃ Connected to   ┃ Trai… ┃');
    expect(lines[3].startsWith('┡━')).toBe(true);
    expect(lines[4]).toBe('│ input_layer       │ (None, 224,     │         0 │ -              │   -   │');
  });
});

describe('summary: a real Keras 3 print at 108 columns', () => {
  it('matches mobilenetv2-functional-108.txt character for character (165 rows + footer)', () => {
    const model = whiteflyModel();
    expect(summary(model, { lineLength: 108 })).toBe(kerasFixture('mobilenetv2-functional-108.txt'));
    // Same text from Keras's default: 108 when the terminal has at least 112 columns.
    expect(summary(model, { terminalColumns: 200 })).toBe(kerasFixture('mobilenetv2-functional-108.txt'));
    model.dispose();
  });
});

describe('summary: 120 columns (Keras default with show_trainable in a wide terminal)', () => {
  it('follows rich rules derived by hand', () => {
    // Keras widths: int([0.27, 0.504, 0.666, 0.9, 1] × 120) → 32, 28, 19, 29, 12; +2 padding each
    // = 130 > 120 - 6 borders = 114. rich reduces the excess 16 evenly with Python's round():
    // 16/5 → 3, 13/4 → 3, 10/3 → 3, 7/2 → 4 (half to even), 3/1 → 3 ⇒ 31, 27, 18, 27, 11.
    freezeAllButLast(base, 4);
    const lines = summary(base, { showTrainable: true, terminalColumns: 200 }).split('\n');
    const widths = [31, 27, 18, 27, 11];
    expect(lines[1]).toBe(`┏${widths.map((w) => '━'.repeat(w)).join('┳')}┓`);
    const cell = (text: string, w: number, align: 'l' | 'r' | 'c') => {
      const content = w - 2;
      const left = align === 'l' ? 0 : align === 'r' ? content - text.length : Math.floor((content - text.length) / 2);
      return ` ${' '.repeat(left)}${text}${' '.repeat(content - left - text.length)} `;
    };
    const row = (cells: string[], aligns: ('l' | 'r' | 'c')[], edge = '│') => `${edge}${cells.map((c, i) => cell(c, widths[i], aligns[i])).join(edge)}${edge}`;
    expect(lines[2]).toBe(row(['Layer (type)', 'Output Shape', 'Param #', 'Connected to', 'Trainable'], ['l', 'l', 'r', 'l', 'c'], '┃'));
    const last = lines.slice(-6, -5)[0];
    expect(last).toBe(row(['out_relu (ReLU)', '(None, 7, 7, 1280)', '0', 'Conv_1_bn[0][0]', '-'], ['l', 'l', 'r', 'l', 'c']));
    // A 29-wide name content holds "block_16_depthwise_BN (BatchNormalization)" only on two lines.
    const i = lines.findIndex((l) => l.startsWith('│ block_16_depthwise_BN '));
    expect(lines[i + 1].startsWith(`│ (BatchNormalization)${' '.repeat(29 - 20 + 1)}│`)).toBe(true);
  });
});

describe('summary: totals for trainable-last 0, 4, 30, 154 (Keras rules)', () => {
  it.each([
    [0, '0 (0.00 B)', '2,257,984 (8.61 MB)'],
    [4, '412,800 (1.57 MB)', '1,845,184 (7.04 MB)'],
    // Keras's own number: the 108-column fixture's 2,350,979 minus its head's 824,579 (by hand).
    [30, '1,526,400 (5.82 MB)', '731,584 (2.79 MB)'],
    // Only the 52 BatchNormalization layers' moving mean and variance (34,112 = 133.25 KB) remain.
    [154, '2,223,872 (8.48 MB)', '34,112 (133.25 KB)'],
  ])('trainable-last %i', (n, trainable, nonTrainable) => {
    freezeAllButLast(base, n);
    expect(footer(summary(base, { showTrainable: true }))).toEqual([
      ' Total params: 2,257,984 (8.61 MB)',
      ` Trainable params: ${trainable}`,
      ` Non-trainable params: ${nonTrainable}`,
    ]);
  });
});

describe('summary: sequential-like models and bad widths', () => {
  it('drops "Connected to" for a plain chain, with Keras positions [0.45, 0.8, 1]', () => {
    const model = tf.sequential({ name: 'seq', layers: [tf.layers.dense({ inputShape: [4], units: 2, name: 'd' })] });
    const lines = summary(model).split('\n');
    // int([0.45, 0.8, 1] × 76) → 34, 26, 16; +2 = 82 > 72: reduce 10 → 3, 4 (3.5 → 4), 3.
    expect(lines[1]).toBe(`┏${'━'.repeat(33)}┳${'━'.repeat(24)}┳${'━'.repeat(15)}┓`);
    // Contents 31, 22, 13 wide, plus one space each side.
    expect(lines.find((l) => l.includes('d (Dense)'))).toBe(`│ d (Dense)${' '.repeat(22 + 1)}│ (None, 2)${' '.repeat(13 + 1)}│ ${' '.repeat(11)}10 │`);
    expect(kerasColumns(true, false, 76).map((c) => c.header)).toEqual(['Layer (type)', 'Output Shape', 'Param #']);
    model.dispose();
  });

  it('names a nested functional model "(Functional)" as Keras 3 does, N when frozen', () => {
    const small = mobileNetV2({ includeTop: false, alpha: 0.35, inputShape: [32, 32, 3] });
    small.trainable = false;
    const model = tf.sequential({ name: 'sequential', layers: [small, tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 4 })] });
    const text = summary(model, { showTrainable: true, lineLength: 120 });
    expect(text).toMatch(/│ mobilenetv2_0\.35_32 \(Functional\) +│ \(None, 1, 1, 1280\) +│ +410,208 │ +N +│/);
    expect(text).toContain(' Non-trainable params: 410,208 (1.56 MB)');
    model.dispose();
  });

  it('refuses a line length too small for the columns, as Keras does', () => {
    expect(() => summary(base, { showTrainable: true, lineLength: 20 })).toThrow(/line length 20 is too small/);
  });
});
