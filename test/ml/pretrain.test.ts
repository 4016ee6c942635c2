import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawSplit } from '../../src/ml/data/load.ts';
import { toLabeledImages } from '../../src/ml/data/load.ts';
import { IMAGE_BYTES } from '../../src/ml/data/manifest.ts';
import { seededRandom } from '../../src/ml/data/random.ts';
import { mobileNetV2 } from '../../src/ml/mobilenetv2.ts';
import { cosineLearningRate, epochOrder, gather, recalibrateBatchNorm, stepsPerEpoch } from '../../src/ml/pretrain.ts';

function randomSplit(count: number): RawSplit {
  const random = seededRandom(9);
  return {
    task: 'source', split: 'train', count, classes: ['a', 'b', 'c'],
    images: Uint8Array.from({ length: count * IMAGE_BYTES }, () => Math.floor(random() * 256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
  };
}

describe('pretraining schedule and batches', () => {
  it('cosine decay starts at the peak, halves midway and ends at 0', () => {
    expect(cosineLearningRate(1e-3, 0, 100)).toBeCloseTo(1e-3, 12);
    expect(cosineLearningRate(1e-3, 50, 100)).toBeCloseTo(5e-4, 12);
    expect(cosineLearningRate(1e-3, 100, 100)).toBeCloseTo(0, 12);
  });

  it('epoch order is a seeded permutation: repeatable, different per epoch, limited on request', () => {
    const a = epochOrder(100, 1, 0);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epochOrder(100, 1, 0)).toEqual(a);
    expect(epochOrder(100, 1, 1)).not.toEqual(a);
    expect(epochOrder(100, 1, 0, 10)).toEqual(a.slice(0, 10));
    expect(stepsPerEpoch(100, { batchSize: 32 })).toBe(4);
    expect(stepsPerEpoch(100, { batchSize: 32, limit: 64 })).toBe(2);
  });

  it('gather copies the chosen images and labels', () => {
    const raw = randomSplit(10);
    const batch = gather(raw, [7, 2]);
    expect(batch.count).toBe(2);
    expect(Array.from(batch.labels)).toEqual([raw.labels[7], raw.labels[2]]);
    expect(Array.from(batch.images.subarray(IMAGE_BYTES, 2 * IMAGE_BYTES))).toEqual(Array.from(raw.images.subarray(2 * IMAGE_BYTES, 3 * IMAGE_BYTES)));
  });
});

describe('recalibrateBatchNorm', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it('sets the first BatchNormalization to the mean of its batch statistics, computed independently, and leaves no tensor', () => {
    const model = mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35, includeTop: true, classes: 3, seed: 2 });
    const raw = randomSplit(16);
    const before = tf.memory().numTensors;
    recalibrateBatchNorm(model, raw, { size: 32, batches: 2, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);

    // Reference: Conv1's output for each batch of 8, its per-channel moments, averaged over the two batches.
    const conv = tf.model({ inputs: model.inputs, outputs: model.getLayer('Conv1').output as tf.SymbolicTensor });
    const moments = [0, 8].map((start) => {
      const { x, y } = toLabeledImages(raw, { size: 32, start, end: start + 8 });
      const m = tf.tidy(() => {
        const { mean, variance } = tf.moments(conv.predict(x) as tf.Tensor, [0, 1, 2]);
        return [mean.dataSync(), variance.dataSync()];
      });
      tf.dispose([x, y]);
      return m;
    });
    const [, , movingMean, movingVariance] = model.getLayer('bn_Conv1').getWeights();
    const mean = movingMean!.dataSync();
    const variance = movingVariance!.dataSync();
    for (let c = 0; c < mean.length; c++) {
      expect(mean[c]).toBeCloseTo((moments[0]![0]![c]! + moments[1]![0]![c]!) / 2, 4);
      expect(variance[c]).toBeCloseTo((moments[0]![1]![c]! + moments[1]![1]![c]!) / 2, 4);
    }
    expect((model.getLayer('bn_Conv1') as unknown as { momentum: number }).momentum).toBe(0.999);
    model.dispose();
  }, 120_000);
});
