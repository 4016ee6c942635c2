/**
 * Keras's BatchNormalization semantics for tfjs-layers.
 *
 * Keras (keras/src/layers/normalization/batch_normalization.py) normalises with the batch
 * statistics and updates the moving mean/variance only when `training && layer.trainable`; a
 * frozen BatchNormalization runs in inference mode even inside `fit()`. tfjs-layers 4.22 looks at
 * `training` alone, so a frozen layer would still drift its moving statistics and normalise with
 * batch statistics — fine-tuning results would then differ from Keras.
 *
 * How: we do not subclass or re-register the layer class (that would change the className or
 * hijack tfjs's global serialization registry). Instead each BatchNormalization *instance* gets its
 * `call` wrapped so that `training` is forced to false while the layer is frozen. The layer's
 * className, config and weights stay those of tfjs's own "BatchNormalization", so saved
 * topology/weights are standard and load anywhere; after loading, `useKerasBatchNormSemantics`
 * re-applies the wrapper.
 */
import * as tf from '@tensorflow/tfjs';

type Kwargs = Record<string, unknown>;
type CallFn = (inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs) => tf.Tensor | tf.Tensor[];

const patched = new WeakSet<tf.layers.Layer>();

/**
 * True when a BatchNormalization layer must run in inference mode during training: its own
 * `trainable` is false, or its gamma/beta were frozen through a parent model (tfjs's container
 * `trainable` setter flips only the weights' flags, not each layer's).
 */
export function isFrozenBatchNorm(layer: tf.layers.Layer): boolean {
  if (!layer.trainable) return true;
  const learnable = layer.weights.filter((w) => /(gamma|beta)(_\d+)?$/.test(w.originalName));
  return learnable.length > 0 && learnable.every((w) => !w.trainable);
}

/** Wraps one BatchNormalization instance's `call` (idempotent); returns the same layer. */
export function withKerasSemantics<L extends tf.layers.Layer>(layer: L): L {
  if (layer.getClassName() !== 'BatchNormalization') {
    throw new Error(`withKerasSemantics: expected a BatchNormalization layer, got ${layer.getClassName()} "${layer.name}"`);
  }
  if (patched.has(layer)) return layer;
  // `call` is declared on the prototype; Layer.apply invokes `this.call`, so an own property wins.
  const holder = layer as unknown as { call: CallFn };
  const original = holder.call.bind(layer);
  holder.call = (inputs, kwargs) => {
    const training = isFrozenBatchNorm(layer) ? false : kwargs?.['training'];
    return original(inputs, { ...kwargs, training });
  };
  patched.add(layer);
  return layer;
}

/** Arguments of {@link kerasBatchNormalization}: tfjs's BatchNormalization args. */
export type KerasBatchNormalizationArgs = Parameters<typeof tf.layers.batchNormalization>[0];

/**
 * A tfjs BatchNormalization layer (className "BatchNormalization") that follows Keras: frozen ⇒
 * inference mode inside fit(). Defaults are tfjs's (axis -1, momentum 0.99, epsilon 1e-3).
 */
export function kerasBatchNormalization(args: KerasBatchNormalizationArgs = {}): tf.layers.Layer {
  return withKerasSemantics(tf.layers.batchNormalization(args));
}

/** Applies Keras semantics to every BatchNormalization layer of a model (e.g. after loading). */
export function useKerasBatchNormSemantics(model: tf.LayersModel): tf.LayersModel {
  for (const layer of model.layers) {
    if (layer.getClassName() === 'BatchNormalization') withKerasSemantics(layer);
    else if (layer instanceof tf.LayersModel) useKerasBatchNormSemantics(layer);
  }
  return model;
}

/** Whether a layer already follows Keras's BatchNormalization semantics. */
export function hasKerasSemantics(layer: tf.layers.Layer): boolean {
  return patched.has(layer);
}
