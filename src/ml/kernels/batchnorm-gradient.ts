/**
 * A faster gradient for FusedBatchNorm (tf.batchNorm), the same mathematics as
 * tfjs-core's: tfjs 4.22 tiles 1/√(var + ε) to the full [N, H, W, C] shape before
 * multiplying (Tile is a slow generic kernel on wasm, ~20% of a MobileNetV2
 * training step) and eagerly builds two full-size intermediates even when they are
 * unused. Here per-channel factors broadcast, each input's gradient is built only
 * when asked for, and reductions happen before the per-channel arithmetic:
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
    const r = () => tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const scaled = (t: tf.Tensor) => (scale == null ? t : tf.mul(t, scale));
    const dyTimesCentred = () => reduce(tf.mul(grad, tf.sub(x, mean)));
    return {
      x: () => tf.reshape(tf.mul(grad, scaled(r())), x.shape),
      mean: () => tf.neg(scaled(tf.mul(r(), reduce(grad)))),
      variance: () => {
        const rv = r();
        return scaled(tf.mul(tf.mul(tf.mul(tf.mul(rv, rv), rv), tf.scalar(-0.5)), dyTimesCentred()));
      },
      scale: () => tf.mul(r(), dyTimesCentred()),
      offset: () => reduce(grad),
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
