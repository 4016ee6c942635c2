import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/evaluate.ts';
import { loadSplit } from '../../src/ml/data/load.ts';
import { FASHION_MNIST_CLASSES, TASK_LABELS } from '../../src/ml/data/manifest.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';
import { mobileNetV2 } from '../../src/ml/mobilenetv2.ts';
import { loadPretrained, saveModel } from '../../src/ml/weights.ts';

/** Runs the command in-process and returns its exit code and what it printed. */
async function evaluate(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => { out.push(parts.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => { err.push(parts.join(' ')); });
  try {
    return { code: await run(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('lectern evaluate', () => {
  it('--model pretrained --json: the shipped model scores on the source test split what its MODEL.md says', async () => {
    const { code, out } = await evaluate(['--model', 'pretrained', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(out) as { split: string; accuracy: number; images: number };
    expect(result.split).toBe('source-test');
    expect(result.images).toBeGreaterThan(4000);
    // The model card and the weights must not drift apart (MODEL.md is written when pretraining ends).
    const card = readFileSync(join(PROJECT_ROOT, 'public', 'models', 'MODEL.md'), 'utf8');
    const recorded = /Source test accuracy \| \*\*([\d.]+)%\*\* on (\d+) test images/.exec(card);
    expect(recorded, 'MODEL.md states the source test accuracy').not.toBeNull();
    expect(result.images).toBe(Number(recorded![2]));
    expect(100 * result.accuracy).toBeCloseTo(Number(recorded![1]), 1);
    expect(result.accuracy).toBeGreaterThan(0.8); // well above chance (1/6): the base learned its task
  }, 600_000);

  describe('on a model saved in a temporary folder', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'lectern-evaluate-'));
      const model = mobileNetV2({ inputShape: [32, 32, 3], alpha: 1, includeTop: true, classes: 6, seed: 4 });
      // Give BatchNormalization non-trivial statistics so predictions differ between images.
      for (const layer of model.layers) {
        if (layer.getClassName() === 'BatchNormalization') {
          layer.setWeights(layer.getWeights().map((w, i) => tf.tidy(() => tf.randomUniform(w.shape, i === 3 ? 0.5 : -0.5, 1.5, 'float32', i))));
        }
      }
      await saveModel(model, dir, {
        quantization: 'float32',
        metadata: { architecture: 'MobileNetV2', alpha: 1, inputSize: 32, classes: TASK_LABELS.source.map((label) => FASHION_MNIST_CLASSES[label]!) },
      });
      model.dispose();
    }, 120_000);
    afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

    it('prints the same accuracy as an independent arg-max over the test images', async () => {
      const { code, out } = await evaluate(['--model', dir, '--json', '--limit', '300']);
      expect(code).toBe(0);
      const result = JSON.parse(out) as { accuracy: number; images: number };
      expect(result.images).toBe(300);

      const { model } = await loadPretrained({ dir });
      const { x, y } = await loadSplit({ task: 'source', split: 'test', size: 32, limit: 300 });
      const predicted = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(-1).dataSync());
      const labels = y.dataSync();
      const expected = Array.from(predicted).filter((p, i) => p === labels[i]).length / 300;
      tf.dispose([x, y]);
      model.dispose();
      expect(result.accuracy).toBeCloseTo(expected, 10);
    }, 300_000);
  });

  it('fails clearly without --model, with a bad --limit, or when the model folder is missing', async () => {
    expect((await evaluate([])).err).toMatch(/--model is required/);
    expect((await evaluate(['--model', 'pretrained', '--limit', 'x'])).code).toBe(2);
    const missing = await evaluate(['--model', '/nonexistent/model-dir', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/\/nonexistent\/model-dir\/model\.json: file is missing/);
  }, 120_000);
});
