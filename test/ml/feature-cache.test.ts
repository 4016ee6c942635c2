import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeatureCache } from '../../src/ml/feature-cache.ts';
import { boundaryAt, cutModel } from '../../src/ml/model-cut.ts';
import { fineTuneToEnd } from '../../src/ml/finetune.ts';
import { disposeImages, disposeModel, standInBase, syntheticImages } from './fixtures/stand-in.ts';
import type { LabeledImages } from '../../src/ml/data/types.ts';

let base: tf.LayersModel;
let images: LabeledImages;

beforeAll(async () => {
  await tf.setBackend('cpu');
  base = standInBase(2);
  images = syntheticImages(20, 11);
});
afterAll(() => {
  disposeImages(images);
  disposeModel(base);
});

/** Reference features: tfjs's own predict() of a model whose outputs are the boundary tensors. */
function referenceFeatures(model: tf.LayersModel, frozenCount: number, x: tf.Tensor): tf.Tensor[] {
  const outputs = boundaryAt(model, frozenCount);
  const probe = tf.model({ inputs: model.inputs, outputs });
  const result = probe.predict(x);
  return Array.isArray(result) ? result : [result];
}

async function expectClose(actual: tf.Tensor[], expected: tf.Tensor[]) {
  expect(actual.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
  for (let i = 0; i < actual.length; i++) {
    const difference = tf.tidy(() => actual[i].sub(expected[i]).abs().max());
    expect((await difference.data())[0]).toBeLessThan(1e-5);
    difference.dispose();
  }
}

describe('feature cache', () => {
  it('computes the boundary tensors of a cut in inference mode, as predict() does', async () => {
    const cache = createFeatureCache({ batchSize: 6 }); // several batches, concatenated
    for (const trainableLast of [0, 4, 5, 9]) {
      const cut = cutModel(base, trainableLast);
      const lease = await cache.acquire(cut, images.x);
      expect(lease.source).toBe('computed');
      const expected = referenceFeatures(base, cut.frozenCount, images.x);
      await expectClose(lease.features, expected);
      tf.dispose(expected);
      lease.release();
    }
    // trainableLast 5 cuts inside the residual block: the branch and the skip connection cross it.
    expect(cutModel(base, 5).boundary.map((t) => t.sourceLayer.name)).toEqual(['relu_a', 'conv_b']);
    cache.clear();
  });

  it('hands out the same tensors on a second request, and a fine-tuning run with another dropout reuses them', async () => {
    const cache = createFeatureCache();
    const cut = cutModel(base, 4);
    const first = await cache.acquire(cut, images.x);
    const second = await cache.acquire(cut, images.x);
    expect(second.source).toBe('hit');
    expect(second.features).toBe(first.features);
    first.release();
    second.release();
    const validation = syntheticImages(8, 12);
    const data = { train: images, validation };
    const a = await fineTuneToEnd({ base, data, dropout: 0.2, epochs: 1, cache });
    const b = await fineTuneToEnd({ base, data, dropout: 0.7, epochs: 2, cache });
    expect(a.history.featureSource).toBe('hit');
    expect(b.history.featureSource).toBe('hit');
    expect(cache.stats.computed).toBe(2); // the training images once, the validation images once
    [a, b].forEach((r) => r.dispose());
    disposeImages(validation);
    cache.clear();
  });

  it('derives a deeper cut from a cached shallower one, with the same values as from the images', async () => {
    const cache = createFeatureCache();
    const shallow = await cache.acquire(cutModel(base, 9), images.x); // cut at the input
    const middle = await cache.acquire(cutModel(base, 5), images.x); // derived from the input cut
    const deep = await cache.acquire(cutModel(base, 4), images.x); // derived from the middle cut
    expect([shallow.source, middle.source, deep.source]).toEqual(['computed', 'derived', 'derived']);
    for (const [lease, trainableLast] of [[middle, 5], [deep, 4]] as const) {
      const expected = referenceFeatures(base, cutModel(base, trainableLast).frozenCount, images.x);
      await expectClose(lease.features, expected);
      tf.dispose(expected);
    }
    [shallow, middle, deep].forEach((l) => l.release());
    cache.clear();
  });

  it('recomputes when the base weights change (e.g. pretrained weights loaded)', async () => {
    const model = standInBase(3);
    const cache = createFeatureCache();
    const cut = cutModel(model, 4);
    (await cache.acquire(cut, images.x)).release();
    const conv = model.getLayer('conv_a');
    const doubled = tf.tidy(() => conv.getWeights().map((w) => w.mul(2)));
    conv.setWeights(doubled);
    tf.dispose(doubled);
    const after = await cache.acquire(cut, images.x);
    expect(after.source).toBe('computed');
    const expected = referenceFeatures(model, cut.frozenCount, images.x);
    await expectClose(after.features, expected);
    tf.dispose(expected);
    after.release();
    cache.clear();
    disposeModel(model);
  });

  it('keeps within maxBytes by evicting the least recently used idle entries, never one in use', async () => {
    const before = tf.memory().numTensors;
    // At trainableLast 4 the features are 20 × 4 × 4 × 6 floats = 7,680 bytes per entry.
    const cache = createFeatureCache({ maxBytes: 2 * 7680 });
    const other = syntheticImages(20, 13);
    const third = syntheticImages(20, 14);
    const cut = cutModel(base, 4);
    const a = await cache.acquire(cut, images.x);
    expect(cache.bytes).toBe(7680);
    const b = await cache.acquire(cut, other.x);
    a.release();
    b.release();
    (await cache.acquire(cut, images.x)).release(); // a is now more recent than b
    const c = await cache.acquire(cut, third.x); // over the bound: b (least recent) goes
    expect(cache.size).toBe(2);
    expect(cache.stats.evicted).toBe(1);
    const d = await cache.acquire(cut, images.x);
    const e = await cache.acquire(cut, other.x);
    expect([d.source, e.source]).toEqual(['hit', 'computed']);
    // Everything is leased now (3 entries over a bound of 2): nothing may go until released.
    expect(cache.size).toBe(3);
    expect(c.features[0].isDisposed).toBe(false);
    cache.clear(); // only idle entries go; leased ones stay
    expect(cache.size).toBe(3);
    [c, d, e].forEach((l) => l.release()); // back under the bound on release
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBeLessThanOrEqual(2 * 7680);
    cache.clear();
    disposeImages(other, third);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects disposed or empty images with a clear message', async () => {
    const cache = createFeatureCache();
    const gone = tf.zeros([2, 8, 8, 3]);
    gone.dispose();
    await expect(cache.acquire(cutModel(base, 4), gone)).rejects.toThrow(/images tensor is disposed/);
    const empty = tf.zeros([0, 8, 8, 3]);
    await expect(cache.acquire(cutModel(base, 4), empty)).rejects.toThrow(/non-empty batch/);
    empty.dispose();
    expect(() => createFeatureCache({ maxBytes: -1 })).toThrow(/maxBytes/);
  });

  it('frees every tensor it holds on clear() once released', async () => {
    const before = tf.memory().numTensors;
    const cache = createFeatureCache();
    const leases = [await cache.acquire(cutModel(base, 9), images.x), await cache.acquire(cutModel(base, 4), images.x)];
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    leases.forEach((l) => l.release());
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('forget(model) and forget(images) free their entries, an entry in use once it is released', async () => {
    const before = tf.memory().numTensors;
    const cache = createFeatureCache();
    const other = syntheticImages(6, 3);
    const inUse = await cache.acquire(cutModel(base, 4), images.x);
    (await cache.acquire(cutModel(base, 9), other.x)).release();
    const second = standInBase(2);
    (await cache.acquire(cutModel(second, 4), images.x)).release();
    expect(cache.size).toBe(3);

    cache.forget(other.x);
    expect(cache.size).toBe(2);
    cache.forget(base);
    expect(cache.size).toBe(2); // base's entry is leased: kept until released
    inUse.release();
    expect(cache.size).toBe(1);
    cache.forget(second);
    expect(cache.size).toBe(0);
    disposeModel(second);
    disposeImages(other);
    expect(tf.memory().numTensors).toBe(before);
  });
});
