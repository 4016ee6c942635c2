import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasKerasSemantics, kerasBatchNormalization, useKerasBatchNormSemantics } from '../../src/ml/batchnorm.ts';
import { freezeAllButLast } from '../../src/ml/freeze.ts';
import { mobileNetV2 } from '../../src/ml/mobilenetv2.ts';

let before = 0;
beforeEach(() => { before = tf.memory().numTensors; });
afterEach(() => { expect(tf.memory().numTensors).toBe(before); });

/** input [2, 2, 3] → BN → flatten → dense(1): small enough to reason about by hand. */
function smallModel(bnTrainable: boolean) {
  const input = tf.input({ shape: [2, 2, 3] });
  const bnLayer = kerasBatchNormalization({ name: 'bn', momentum: 0.9 });
  const x = bnLayer.apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: 'ones' }).apply(flat) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  // Moving statistics far from the data's, so batch- and moving-statistics modes differ clearly.
  const initial = [tf.ones([3]), tf.zeros([3]), tf.fill([3], 5), tf.fill([3], 4)];
  bnLayer.setWeights(initial);
  tf.dispose(initial);
  bnLayer.trainable = bnTrainable;
  const optimizer = tf.train.sgd(0.01);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const dispose = () => { model.dispose(); optimizer.dispose(); };
  return { model, bnLayer, dispose };
}

function data() {
  const x = tf.randomNormal([8, 2, 2, 3], 0, 1, 'float32', 7);
  const y = tf.randomNormal([8, 1], 0, 1, 'float32', 8);
  return { x, y };
}

async function movingStats(layer: tf.layers.Layer): Promise<number[][]> {
  const ws = layer.getWeights().slice(2);
  return Promise.all(ws.map(async (w) => Array.from(await w.data())));
}

describe('Keras BatchNormalization semantics', () => {
  it('a frozen BN inside fit() uses and keeps its moving statistics (inference mode)', async () => {
    const { model, bnLayer, dispose } = smallModel(false);
    const { x, y } = data();
    const statsBefore = await movingStats(bnLayer);
    // Inference-mode loss, computed before any update; fit()'s first full-batch loss is computed
    // with the same weights, so it equals this only if BN normalises with moving statistics.
    const evaluated = model.evaluate(x, y, { batchSize: 8 }) as tf.Scalar;
    const inferenceLoss = (await evaluated.data())[0];
    evaluated.dispose();
    const history = await model.fit(x, y, { batchSize: 8, epochs: 3, shuffle: false, verbose: 0 });
    expect(history.history.loss[0] as number).toBeCloseTo(inferenceLoss, 5);
    expect(await movingStats(bnLayer)).toEqual(statsBefore);
    // And the layer's own training-mode output equals its inference output.
    const [train, infer] = tf.tidy(() => [bnLayer.apply(x, { training: true }), bnLayer.apply(x, { training: false })] as tf.Tensor[]);
    expect(Array.from(await train.data())).toEqual(Array.from(await infer.data()));
    tf.dispose([x, y, train, infer]);
    dispose();
  });

  it('a trainable BN (control) trains with batch statistics and updates its moving statistics', async () => {
    const { model, bnLayer, dispose } = smallModel(true);
    const { x, y } = data();
    const statsBefore = await movingStats(bnLayer);
    const evaluated = model.evaluate(x, y, { batchSize: 8 }) as tf.Scalar;
    const inferenceLoss = (await evaluated.data())[0];
    evaluated.dispose();
    const history = await model.fit(x, y, { batchSize: 8, epochs: 1, shuffle: false, verbose: 0 });
    expect(Math.abs((history.history.loss[0] as number) - inferenceLoss)).toBeGreaterThan(0.1);
    const statsAfter = await movingStats(bnLayer);
    // Hand computation of one update: moving = 0.9·moving + 0.1·batch mean over axes (0, 1, 2).
    const batchMean = tf.tidy(() => x.mean([0, 1, 2]));
    const expectedMean = Array.from(await batchMean.data()).map((m) => 0.9 * 5 + 0.1 * m);
    statsAfter[0].forEach((v, i) => expect(v).toBeCloseTo(expectedMean[i], 4));
    expect(statsAfter[1]).not.toEqual(statsBefore[1]);
    tf.dispose([x, y, batchMean]);
    dispose();
  });

  it('freezing through the parent model (model.trainable = false) also means inference mode', async () => {
    const { model, bnLayer, dispose } = smallModel(true);
    model.trainable = false;
    const { x, y } = data();
    const [train, infer] = tf.tidy(() => [bnLayer.apply(x, { training: true }), bnLayer.apply(x, { training: false })] as tf.Tensor[]);
    expect(Array.from(await train.data())).toEqual(Array.from(await infer.data()));
    tf.dispose([x, y, train, infer]);
    dispose();
  });

  it('in a MobileNetV2 with all but the last 4 layers frozen, fit() moves only the two trainable BN layers\' statistics', async () => {
    const base = mobileNetV2({ includeTop: false, alpha: 0.35, inputShape: [32, 32, 3], seed: 1 });
    freezeAllButLast(base, 4);
    const pooled = tf.layers.globalAveragePooling2d({}).apply(base.outputs[0]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: base.inputs, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor });
    const optimizer = tf.train.sgd(0.01);
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
    const bns = base.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    const snapshot = () => Promise.all(bns.map((l) => movingStats(l)));
    const before = await snapshot();
    const x = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', 3);
    const y = tf.tensor1d([0, 1, 0, 1], 'float32');
    await model.fit(x, y, { batchSize: 4, epochs: 1, verbose: 0 });
    const after = await snapshot();
    const changed = bns.filter((_, i) => JSON.stringify(after[i]) !== JSON.stringify(before[i])).map((l) => l.name);
    // The last 4 layers (block_16_project_BN, Conv_1, Conv_1_bn, out_relu) hold the only trainable
    // BatchNormalizations; the 50 frozen ones keep their moving statistics, as in Keras.
    expect(changed).toEqual(['block_16_project_BN', 'Conv_1_bn']);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });

  it('keeps the standard className and topology, and re-applies after a JSON round trip', () => {
    const model = mobileNetV2({ includeTop: false, alpha: 0.35, inputShape: [32, 32, 3] });
    const bns = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(bns).toHaveLength(52);
    expect(bns.every(hasKerasSemantics)).toBe(true);
    const topology = model.toJSON(null, false) as { config: { layers: { class_name: string }[] } };
    expect(topology.config.layers.filter((l) => l.class_name === 'BatchNormalization')).toHaveLength(52);
    return tf.models.modelFromJSON({ modelTopology: topology }).then((loaded) => {
      const loadedBns = loaded.layers.filter((l) => l.getClassName() === 'BatchNormalization');
      expect(loadedBns.some(hasKerasSemantics)).toBe(false);
      useKerasBatchNormSemantics(loaded);
      expect(loadedBns.every(hasKerasSemantics)).toBe(true);
      loaded.dispose();
      model.dispose();
    });
  });

  it('refuses to wrap a layer that is not a BatchNormalization', async () => {
    const { withKerasSemantics } = await import('../../src/ml/batchnorm.ts');
    const dense = tf.layers.dense({ units: 1, name: 'd' });
    expect(() => withKerasSemantics(dense)).toThrow(/expected a BatchNormalization layer, got Dense "d"/);
  });
});
