/**
 * The lesson's claims, checked: notebooks/08-fine-tuning.md says which settings show
 * underfitting, overfitting and a good fit on the shipped data and base. This test reads those
 * settings from the lesson's text (so the two cannot drift apart), runs the engine headlessly at
 * each on WASM, as the page does, and checks the diagnosis.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/ml/backend.ts';
import { loadSplit } from '../../src/ml/data/load.ts';
import type { LabeledImages } from '../../src/ml/data/types.ts';
import { courseDiagnosis } from '../../src/course/diagnosis.ts';
import type { Verdict } from '../../src/ml/diagnose.ts';
import { fineTuneToEnd } from '../../src/ml/finetune.ts';
import { loadPretrainedBase } from '../../src/ml/weights.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

interface Claim {
  verdict: Verdict;
  text: string;
  trainableLast: number;
  dropout: number;
  epochs: number;
  trainSize: number;
  earlyStopping: boolean;
  batchNorm: 'batch' | 'moving';
}

/** The lesson's defaults for what a claim does not mention. */
const DEFAULT_TRAIN_SIZE = 1000;
const VALIDATION_SIZE = 500;

/** Reads lines like "- **Overfitting**: Trainable layers 154, Dropout 0, 200 training images, 20 epochs." */
function parseClaims(markdown: string): Claim[] {
  const claims: Claim[] = [];
  for (const match of markdown.matchAll(/^- \*\*(Underfitting|Overfitting|Good fit)\*\*: ([^.]*(?:\.\d[^.]*)*)\./gm)) {
    const text = match[2].replace(/\s+/g, ' '); // a claim may wrap over lines
    const number = (pattern: RegExp, fallback?: number) => {
      const found = pattern.exec(text);
      if (!found && fallback === undefined) throw new Error(`lesson claim "${match[0]}" does not say ${pattern}`);
      return found ? Number(found[1].replace(/,/g, '')) : fallback!;
    };
    claims.push({
      verdict: match[1].toLowerCase() as Verdict,
      text: match[0],
      trainableLast: number(/Trainable layers (\d+)/),
      dropout: number(/Dropout (\d*\.?\d+)/),
      epochs: number(/(\d+) epochs/),
      trainSize: number(/([\d,]+) training images/, DEFAULT_TRAIN_SIZE),
      earlyStopping: /EarlyStopping on/.test(text),
      batchNorm: /BatchNormalization in inference mode/.test(text) ? 'moving' : 'batch',
    });
  }
  return claims;
}

const lesson = readFileSync(join(PROJECT_ROOT, 'notebooks', '08-fine-tuning.md'), 'utf8');
const claims = parseClaims(lesson);
let base: tf.LayersModel;
const sets = new Map<number, LabeledImages>();
let validation: LabeledImages;

beforeAll(async () => {
  await selectBackend({ name: 'wasm', fallback: false });
  base = await loadPretrainedBase({ inputSize: 32 });
  validation = await loadSplit({ task: 'target', split: 'validation', size: 32, limit: VALIDATION_SIZE });
}, 120_000);

afterAll(() => {
  for (const set of [...sets.values(), validation]) if (set) tf.dispose([set.x, set.y]);
  base?.dispose();
});

describe('the lesson\'s claims about the shipped data', () => {
  it('states a setting for underfitting and one for overfitting (and at most one good fit)', () => {
    const verdicts = claims.map((c) => c.verdict);
    expect(verdicts.filter((v) => v === 'underfitting')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'overfitting')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'good fit').length).toBeLessThanOrEqual(1);
  });

  for (const claim of claims) {
    it(`${claim.text}`, { timeout: 900_000 }, async () => {
      if (!sets.has(claim.trainSize)) sets.set(claim.trainSize, await loadSplit({ task: 'target', split: 'train', size: 32, limit: claim.trainSize }));
      const result = await fineTuneToEnd({
        base,
        data: { train: sets.get(claim.trainSize)!, validation },
        trainableLast: claim.trainableLast,
        dropout: claim.dropout,
        epochs: claim.epochs,
        earlyStopping: claim.earlyStopping,
        batchNorm: claim.batchNorm,
        seed: 0,
      });
      const diagnosis = courseDiagnosis(result.history);
      result.dispose();
      expect(diagnosis.verdict, diagnosis.evidence.join(' ')).toBe(claim.verdict);
    });
  }
});
