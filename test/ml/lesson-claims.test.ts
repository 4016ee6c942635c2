/**
 * The lesson's claims, checked: notebooks/08-fine-tuning.md says which settings show
 * underfitting, overfitting, a good fit, a model still learning and broken BatchNormalization
 * statistics on the shipped data and base. This test reads those settings from the lesson's text
 * (so the two cannot drift apart), runs the lesson's own `train` headlessly at each on WASM, as
 * the page does, on seeds 0 and 1, and checks the diagnosis.
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
import { COURSE, train, type Training } from '../../src/course/fine-tuning.ts';
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
  learningRate: number;
}

/** The claims' bold names, as the lesson writes them, and the verdict each stands for. */
const VERDICT_NAMES: Record<string, Verdict> = {
  Underfitting: 'underfitting',
  Overfitting: 'overfitting',
  'Good fit': 'good fit',
  'Still learning': 'still learning',
  'Broken BatchNormalization statistics': 'batchnorm statistics',
};

/** The lesson's defaults for what a claim does not mention. */
const DEFAULT_TRAIN_SIZE = COURSE.trainImages;
const VALIDATION_SIZE = COURSE.validationImages;
const SEEDS = [0, 1];

/**
 * Reads lines like "- **Overfitting**: Trainable layers 30, Dropout 0, 20 training images, 60 epochs."
 * with optional "learning rate 1e-5", "EarlyStopping on", "BatchNormalization in inference mode off".
 */
function parseClaims(markdown: string): Claim[] {
  const claims: Claim[] = [];
  const names = Object.keys(VERDICT_NAMES).join('|');
  for (const match of markdown.matchAll(new RegExp(`^- \\*\\*(${names})\\*\\*: ([^.]*(?:\\.\\d[^.]*)*)\\.`, 'gm'))) {
    const text = match[2].replace(/\s+/g, ' '); // a claim may wrap over lines
    const number = (pattern: RegExp, fallback?: number) => {
      const found = pattern.exec(text);
      if (!found && fallback === undefined) throw new Error(`lesson claim "${match[0]}" does not say ${pattern}`);
      return found ? Number(found[1].replace(/,/g, '')) : fallback!;
    };
    claims.push({
      verdict: VERDICT_NAMES[match[1]]!,
      text: match[0],
      trainableLast: number(/Trainable layers (\d+)/),
      dropout: number(/Dropout (\d*\.?\d+)/),
      epochs: number(/(\d+) epochs/),
      trainSize: number(/([\d,]+) training images/, DEFAULT_TRAIN_SIZE),
      earlyStopping: /EarlyStopping on/.test(text),
      batchNorm: /BatchNormalization in inference mode off/.test(text) ? 'batch' : COURSE.batchNorm,
      learningRate: number(/learning rate (\d*\.?\d+(?:e-?\d+)?)/i, 1e-3),
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
  base = await loadPretrainedBase({ inputSize: COURSE.inputSize });
  validation = await loadSplit({ task: 'target', split: 'validation', size: COURSE.inputSize, limit: VALIDATION_SIZE });
}, 120_000);

afterAll(() => {
  for (const set of [...sets.values(), validation]) if (set) tf.dispose([set.x, set.y]);
  base?.dispose();
});

describe('the lesson\'s claims about the shipped data', () => {
  it('states one setting for underfitting, one for overfitting, and at most one of each other verdict', () => {
    const verdicts = claims.map((c) => c.verdict);
    expect(verdicts.filter((v) => v === 'underfitting')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'overfitting')).toHaveLength(1);
    for (const verdict of ['good fit', 'still learning', 'batchnorm statistics'] as const) {
      expect(verdicts.filter((v) => v === verdict).length).toBeLessThanOrEqual(1);
    }
  });

  for (const claim of claims) {
    for (const seed of SEEDS) {
      it(`${claim.text} (seed ${seed})`, { timeout: 900_000 }, async () => {
        if (!sets.has(claim.trainSize)) sets.set(claim.trainSize, await loadSplit({ task: 'target', split: 'train', size: COURSE.inputSize, limit: claim.trainSize }));
        const data = { train: sets.get(claim.trainSize)!, validation, classes: [...validation.classes] };
        let free!: () => void;
        const invalidation = new Promise<void>((resolve) => { free = resolve; });
        let last: Training | undefined;
        for await (const value of train({
          base, data, seed, invalidation,
          trainableLast: claim.trainableLast, dropout: claim.dropout, epochs: claim.epochs,
          earlyStopping: claim.earlyStopping, batchNorm: claim.batchNorm, learningRate: claim.learningRate,
        })) last = value;
        expect(last?.done).toBe(true);
        const diagnosis = courseDiagnosis(last!.history!);
        free();
        expect(diagnosis.verdict, diagnosis.evidence.join(' ')).toBe(claim.verdict);
      });
    }
  }
});
