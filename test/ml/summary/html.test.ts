import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezeAllButLast } from '../../../src/ml/freeze.ts';
import { mobileNetV2 } from '../../../src/ml/mobilenetv2.ts';
import { escapeHtml, summaryHtml } from '../../../src/ml/summary/html.ts';
import { formatCount, summarize } from '../../../src/ml/summary/rows.ts';

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

/** Rows of the nested (folded) table and of the outer table, as arrays of cell texts. */
function tables(html: string) {
  const nested = /<details>.*?<tbody>(.*?)<\/tbody><\/table><\/details>/.exec(html)?.[1] ?? '';
  const outer = html.replace(/<tr class="fold">.*?<\/details><\/td><\/tr>/, '');
  const rowsOf = (s: string) =>
    [...s.matchAll(/<tr class="(?:frozen|trainable|no-weights)">(.*?)<\/tr>/g)].map((m) =>
      [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '')),
    );
  return { nested: rowsOf(nested), outer: rowsOf(outer) };
}

describe('summaryHtml', () => {
  it('folds the 150 frozen layers of trainable-last 4 and shows the last 4 with the deck numbers', () => {
    freezeAllButLast(base, 4);
    const html = summaryHtml(base);
    expect(html).toContain('<summary>… 150 frozen layers</summary>');
    const { nested, outer } = tables(html);
    expect(nested).toHaveLength(150);
    expect(outer.map((r) => r[0])).toEqual(['block_16_project_BN (BatchNormalization)', 'Conv_1 (Conv2D)', 'Conv_1_bn (BatchNormalization)', 'out_relu (ReLU)']);
    expect(outer.map((r) => r.slice(2))).toEqual([
      ['1,280', 'block_16_project[0][0]', 'Y'],
      ['409,600', 'block_16_project_BN[0][0]', 'Y'],
      ['5,120', 'Conv_1[0][0]', 'Y'],
      ['0', 'Conv_1_bn[0][0]', '-'],
    ]);
    expect(nested[0]).toEqual(['input_layer (InputLayer)', '(None, 224, 224, 3)', '0', '-', '-']);
    expect(nested[149][0]).toBe('block_16_project (Conv2D)');
    expect(nested[149][4]).toBe('N');
    expect(html).toContain('<dt>Total params:</dt><dd>2,257,984 (8.61 MB)</dd>');
    expect(html).toContain('<dt>Trainable params:</dt><dd>412,800 (1.57 MB)</dd>');
    expect(html).toContain('<dt>Non-trainable params:</dt><dd>1,845,184 (7.04 MB)</dd>');
  });

  it('has the same per-layer numbers as the text summary data, and a sticky header', () => {
    freezeAllButLast(base, 30);
    const html = summaryHtml(base);
    const { nested, outer } = tables(html);
    const rows = [...nested, ...outer];
    const expected = summarize(base).rows;
    expect(rows).toHaveLength(154);
    expect(rows.map((r) => r[2])).toEqual(expected.map((r) => formatCount(r.params)));
    expect(rows.map((r) => r[4])).toEqual(expected.map((r) => r.trainableMark));
    expect(html).toMatch(/thead th \{[^}]*position: sticky; top: 0;/);
    expect(html).toMatch(/<th scope="col" class="mark">Trainable<\/th>/);
  });

  it('folds nothing when every layer is trainable, everything when none is', () => {
    freezeAllButLast(base, 154);
    expect(summaryHtml(base)).not.toContain('<details>');
    expect(tables(summaryHtml(base)).outer).toHaveLength(154);
    freezeAllButLast(base, 0);
    expect(summaryHtml(base)).toContain('<summary>… 154 frozen layers</summary>');
    expect(summaryHtml(base, { foldFrozen: false })).not.toContain('<details>');
    expect(summaryHtml(base, { showTrainable: false })).not.toContain('Trainable</th>');
  });

  it('escapes names', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
    const model = tf.sequential({ name: 'm<script>', layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    expect(summaryHtml(model)).not.toContain('<script>');
    model.dispose();
  });
});
