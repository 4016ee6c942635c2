import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/summary.ts';
import { kerasFixture } from '../ml/summary/fixtures.ts';

let out: string[] = [];
let err: string[] = [];
let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(`${a.join(' ')}\n`); });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err.push(a.join(' ')); });
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(tf.memory().numTensors).toBe(before);
});

describe('lectern summary', () => {
  it('prints the deck table at 76 columns by default (output not a terminal)', async () => {
    expect(await run([])).toBe(0);
    const text = out.join('');
    const deck = kerasFixture('deck-mobilenetv2-trainable-last-4-76.txt').trimEnd().split('\n');
    expect(text).toContain(deck.slice(0, deck.indexOf('')).join('\n'));
    expect(text).toContain(' Trainable params: 412,800 (1.57 MB)\n');
    expect(err).toEqual([]);
  });

  it('honours --width, --alpha, --rows and --trainable-last', async () => {
    expect(await run(['--alpha', '0.35', '--rows', '96', '--trainable-last', '0', '--width', '120'])).toBe(0);
    const lines = out.join('').split('\n');
    expect(lines[0]).toBe('Model: "mobilenetv2_0.35_96"');
    expect(lines[1]).toHaveLength(120);
    expect(lines).toContain(' Total params: 410,208 (1.56 MB)');
    expect(lines).toContain(' Trainable params: 0 (0.00 B)');
  });

  it('--json gives per-layer fields and the totals', async () => {
    expect(await run(['--json', '--trainable-last', '30'])).toBe(0);
    const json = JSON.parse(out.join('')) as {
      model: string;
      layers: { name: string; className: string; outputShape: string; params: number; trainableParams: number; trainable: boolean; connectedTo: string[] }[];
      totals: { total: number; trainable: number; nonTrainable: number };
    };
    expect(json.model).toBe('mobilenetv2_1.00_224');
    expect(json.layers).toHaveLength(154);
    expect(json.layers[153]).toEqual({ name: 'out_relu', className: 'ReLU', outputShape: '(None, 7, 7, 1280)', params: 0, trainableParams: 0, trainable: true, connectedTo: ['Conv_1_bn[0][0]'] });
    expect(json.layers.find((l) => l.name === 'block_2_add')?.connectedTo).toEqual(['block_1_project_BN[0][0]', 'block_2_project_BN[0][0]']);
    expect(json.layers.filter((l) => l.trainable)).toHaveLength(30);
    expect(json.totals).toEqual({ total: 2_257_984, trainable: 1_526_400, nonTrainable: 731_584 });
    expect(json.layers.reduce((s, l) => s + l.trainableParams, 0)).toBe(1_526_400);
  });

  it.each([
    [['--alpha', '0.6'], /^lectern summary: --alpha must be one of 0\.35, 0\.5, 0\.75, 1\.0, 1\.3, 1\.4; got "0\.6"$/],
    [['--rows', '16'], /^lectern summary: --rows must be at least 32/],
    [['--trainable-last', '-1'], /^lectern summary: --trainable-last must be from 0 to 154 .*; got -1$/],
    [['--trainable-last', '155'], /got 155$/],
    [['--width', '10'], /^lectern summary: --width: line length 10 is too small/],
    [['--frobnicate'], /^lectern summary: Unknown option '--frobnicate'/],
  ])('%j → one-line error, exit 2', async (args, message) => {
    expect(await run(args)).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0]).not.toContain('\n');
    expect(out).toEqual([]);
  });
});
