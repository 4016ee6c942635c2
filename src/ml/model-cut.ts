/**
 * Cutting a functional model into a frozen bottom and a trainable top, the way Keras's
 * `for layer in base.layers[:-n]: layer.trainable = False` does, and running either part.
 *
 * MobileNetV2 is not a chain: residual `Add` layers mean the top may need several tensors from
 * below the cut (the branch and the skip connection). The cut's *boundary* is every tensor produced
 * below the cut that a layer above it (or the model output) consumes. The frozen bottom is a pure
 * function of the image in inference mode, so its boundary values can be computed once and cached
 * (see feature-cache.ts); the top is rebuilt from clones of the layers above the cut so that
 * training never changes the caller's base model.
 */
import * as tf from '@tensorflow/tfjs';
import { hasKerasSemantics, withKerasSemantics } from './batchnorm.ts';

type Layer = tf.layers.Layer;
type SymbolicTensor = tf.SymbolicTensor;

export interface ModelCut {
  /** The model that was cut. */
  model: tf.LayersModel;
  /**
   * How many leading layers of `model.layers` are frozen. At least 1: the input layer has no
   * weights and always sits below the cut, so "all 154 trainable" cuts at the raw input.
   */
  frozenCount: number;
  /** Tensors produced below the cut and consumed above it (or output by the model), in layer order. */
  boundary: SymbolicTensor[];
  /** The layers above the cut, in `model.layers` (topological) order. */
  above: Layer[];
}

/** The node that wires `layer` inside `model` (a functional model calls each layer once). */
function nodeOf(layer: Layer) {
  const node = layer.inboundNodes[0];
  if (!node) throw new Error(`Layer "${layer.name}" was never called: the model is not a functional model`);
  return node;
}

function assertFunctional(model: tf.LayersModel): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`model "${model.name}" must have one input and one output, has ${model.inputs.length} and ${model.outputs.length}`);
  }
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      throw new Error(`model "${model.name}" nests model "${layer.name}": cut a flat functional model`);
    }
  }
}

/**
 * The boundary after the first `frozenCount` layers: tensors made by a layer with index below
 * `frozenCount` and read by a layer at or above it, plus the model output when it is made below.
 */
export function boundaryAt(model: tf.LayersModel, frozenCount: number): SymbolicTensor[] {
  const layers = model.layers;
  const index = new Map<Layer, number>(layers.map((layer, i) => [layer, i]));
  const found = new Map<number, SymbolicTensor>();
  const consider = (t: SymbolicTensor) => {
    const producer = index.get(t.sourceLayer);
    if (producer === undefined) throw new Error(`tensor "${t.name}" comes from outside model "${model.name}"`);
    if (producer < frozenCount) found.set(t.id, t);
  };
  for (let i = frozenCount; i < layers.length; i++) nodeOf(layers[i]).inputTensors.forEach(consider);
  model.outputs.forEach(consider);
  return [...found.values()].sort((a, b) => index.get(a.sourceLayer)! - index.get(b.sourceLayer)! || a.tensorIndex - b.tensorIndex);
}

/**
 * Cuts `model` so that its last `trainableLast` layers are above the cut (Keras's
 * `model.layers[-trainableLast:]`). `trainableLast` ranges over 0..model.layers.length.
 */
export function cutModel(model: tf.LayersModel, trainableLast: number): ModelCut {
  assertFunctional(model);
  const count = model.layers.length;
  if (!Number.isInteger(trainableLast) || trainableLast < 0 || trainableLast > count) {
    throw new RangeError(`trainableLast must be an integer from 0 to ${count} (the layers of "${model.name}"), got ${trainableLast}`);
  }
  const frozenCount = Math.max(1, count - trainableLast);
  return { model, frozenCount, boundary: boundaryAt(model, frozenCount), above: model.layers.slice(frozenCount) };
}

/**
 * Runs layers `from`..`to - 1` of `model` eagerly in inference mode (`training: false`, so
 * BatchNormalization uses its moving statistics and Dropout is off), starting from concrete values
 * of the boundary at `from`, and returns the values of `outputs` (tensors of the boundary at `to`).
 * The inputs stay owned by the caller; the returned tensors are new and owned by the caller.
 */
export function runLayers(
  model: tf.LayersModel,
  start: ReadonlyMap<number, tf.Tensor>,
  from: number,
  to: number,
  outputs: readonly SymbolicTensor[],
): tf.Tensor[] {
  return tf.tidy(() => {
    const values = new Map(start);
    for (let i = Math.max(from, 1); i < to; i++) {
      const layer = model.layers[i];
      const node = nodeOf(layer);
      const inputs = node.inputTensors.map((t) => {
        const value = values.get(t.id);
        if (!value) throw new Error(`layer "${layer.name}" needs tensor "${t.name}", which is not computed from the given start`);
        return value;
      });
      const result = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { ...node.callArgs, training: false });
      const list = Array.isArray(result) ? result : [result];
      node.outputTensors.forEach((t, j) => values.set(t.id, list[j] as tf.Tensor));
    }
    return outputs.map((t) => {
      const value = values.get(t.id);
      if (!value) throw new Error(`tensor "${t.name}" is not computed by layers ${from}..${to - 1} of "${model.name}"`);
      // A start value passed straight through must not be handed out twice: clone it.
      return start.get(t.id) === value ? value.clone() : value;
    });
  });
}

type CallFn = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/**
 * Makes a BatchNormalization layer normalise with its moving statistics and leave them alone even
 * in fit(), while gamma and beta still train: Keras's advice for fine-tuning ("keep the
 * BatchNormalization layers in inference mode", keras.io transfer-learning guide).
 */
function inferenceOnly(layer: Layer): Layer {
  const holder = layer as unknown as { call: CallFn };
  const original = holder.call.bind(layer);
  holder.call = (inputs, kwargs) => original(inputs, { ...kwargs, training: false });
  return layer;
}

/** A fresh layer of the same class and configuration, trainable, without weights yet. */
function cloneLayer(layer: Layer): Layer {
  // Every tfjs layer class takes its own getConfig() back as constructor arguments.
  const Ctor = layer.constructor as new (config: object) => Layer;
  const copy = new Ctor({ ...layer.getConfig(), trainable: true });
  // Keras BatchNormalization semantics live on the instance (batchnorm.ts): carry them over.
  return hasKerasSemantics(layer) ? withKerasSemantics(copy) : copy;
}

export interface TopClones {
  /** Clones of `cut.above`, same order; they own their weights (copies of the originals at clone time). */
  layers: Layer[];
  /**
   * Applies the clones to symbolic values of the boundary (same order as `cut.boundary`) and
   * returns the symbolic model output. Call it more than once to wire the same clones twice
   * (they share weights).
   */
  apply(boundary: readonly SymbolicTensor[]): SymbolicTensor;
}

/**
 * Clones the layers above the cut so they can be trained without touching `cut.model`. The clones
 * are built, and their weights copied, on the first `apply`.
 */
export interface CloneTopArgs {
  /**
   * How the cloned BatchNormalization layers run in fit(): 'batch' uses batch statistics and
   * updates the moving ones (Keras's default for a trainable layer, the course's behaviour);
   * 'moving' keeps them in inference mode (Keras's advice for fine-tuning). Default 'batch'.
   */
  batchNorm?: 'batch' | 'moving';
}

export function cloneTop(cut: ModelCut, { batchNorm = 'batch' }: CloneTopArgs = {}): TopClones {
  const layers = cut.above.map((layer) => {
    const copy = cloneLayer(layer);
    return batchNorm === 'moving' && copy.getClassName() === 'BatchNormalization' ? inferenceOnly(copy) : copy;
  });
  let weightsCopied = false;
  const apply = (boundary: readonly SymbolicTensor[]): SymbolicTensor => {
    if (boundary.length !== cut.boundary.length) throw new Error(`expected ${cut.boundary.length} boundary tensors, got ${boundary.length}`);
    const values = new Map<number, SymbolicTensor>(cut.boundary.map((t, i) => [t.id, boundary[i]]));
    cut.above.forEach((original, i) => {
      const node = nodeOf(original);
      const inputs = node.inputTensors.map((t) => values.get(t.id)!);
      const result = layers[i].apply(inputs.length === 1 ? inputs[0] : inputs, node.callArgs);
      const list = Array.isArray(result) ? result : [result];
      node.outputTensors.forEach((t, j) => values.set(t.id, list[j] as SymbolicTensor));
    });
    if (!weightsCopied) {
      layers.forEach((clone, i) => clone.setWeights(cut.above[i].getWeights()));
      weightsCopied = true;
    }
    return values.get(cut.model.outputs[0].id)!;
  };
  return { layers, apply };
}

/** Disposes the weights of layers this module created (never call model.dispose() on a model sharing base layers). */
export function disposeLayerWeights(layers: readonly Layer[]): void {
  for (const layer of layers) for (const weight of layer.weights) weight.dispose();
}
