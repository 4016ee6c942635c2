/**
 * A faster gradient for FusedBatchNorm (tf.batchNorm), the same mathematics as
 * tfjs-core's: tfjs 4.22 tiles 1/√(var + ε) to the full [N, H, W, C] shape before
 * multiplying (Tile is a slow generic kernel on wasm, ~20% of a MobileNetV2
 * training step) and keeps two full-size intermediates alive through the backward
 * pass. Here per-channel factors broadcast, the two reductions the five gradients
 * share are computed once, and reductions happen before the per-channel arithmetic:
 *
 *   r = 1/√(var + ε), s = scale (1 when absent), Σ = sum over the reduced axes
 *   ∂x = dy·r·s     ∂mean = −r·s·Σdy     ∂var = −½·r³·s·Σ(dy·(x − mean))
 *   ∂scale = r·Σ(dy·(x − mean))     ∂offset = Σdy
 *
 * Gradients are global in tfjs (not per backend), so this serves every backend.
 */
import * as tf from '@tensorflow/tfjs';

function reductionAxes(statShape: number[], xShape: number[]): number[] {
  return tf.backend_util.getReductionAxes(statShape, xShape);
}

export const fusedBatchNormGradConfig: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const grad = Array.isArray(dy) ? dy[0] : dy;
    const axes = reductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => tf.reshape(axes.length ? tf.sum(t, axes) : t, mean.shape);
    const scaled = (t: tf.Tensor) => (scale == null ? t : tf.mul(t, scale));
    // The two reductions are each shared by two gradients, so they are computed once, here (the
    // engine frees them when the backward pass ends). With freezeAllButLast no frozen BN lies on
    // the gradient's path, so a BN whose gradient is asked for is a trainable one, needing all.
    const r = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const sumDy = reduce(grad);
    const sumDyCentred = tf.tidy(() => reduce(tf.mul(grad, tf.sub(x, mean))));
    return {
      x: () => tf.reshape(tf.mul(grad, scaled(r)), x.shape),
      mean: () => tf.neg(scaled(tf.mul(r, sumDy))),
      variance: () => scaled(tf.mul(tf.mul(tf.mul(tf.mul(r, r), r), tf.scalar(-0.5)), sumDyCentred)),
      scale: () => tf.mul(r, sumDyCentred),
      offset: () => tf.reshape(sumDy, mean.shape),
    };
  },
};

let registered = false;

/** Replaces tfjs-core's FusedBatchNorm gradient with the one above; idempotent. */
export function registerFastBatchNormGradient(): void {
  if (registered) return;
  tf.registerGradient(fusedBatchNormGradConfig);
  registered = true;
}
