/**
 * Adam for a training loop written by hand (fine-tuning's): the arithmetic of `tf.train.adam`
 * (tfjs-core adam_optimizer.ts, which follows Keras's Adam without amsgrad), with one fused kernel
 * per weight on the wasm backend (kernels/adam-update.ts) and tfjs ops on the others. Moments start
 * at zero; the bias corrections use the step count, as tfjs's accumulated β powers do.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, fusedAdamUsable, type AdamUpdateAttrs } from './kernels/adam-update.ts';

export interface AdamArgs {
  /** Step size. Default 0.001 (Keras's and tfjs's). */
  learningRate?: number;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Added to √v̂. Default 1e-7 (tfjs's float32 epsilon, Keras's default). */
  epsilon?: number;
}

/** Adam's state, by position in the variable list it was saved with: what a resumed run needs. */
export interface AdamState {
  iterations: number;
  /** First and second moments of each variable, in `variables` order (null: never updated). */
  moments: ({ m: tf.Tensor; v: tf.Tensor } | null)[];
}

export interface Adam {
  /** Applies one step: each variable moves by its gradient (same order as `variables`). */
  apply(gradients: ReadonlyMap<tf.Variable, tf.Tensor>): void;
  /** Steps applied so far. */
  readonly iterations: number;
  /** Step size of the next steps: a schedule sets it before each step. */
  learningRate: number;
  /** Copies of the moments of `variables` (the caller owns them) and the step count. */
  saveState(variables: readonly tf.Variable[]): AdamState;
  /** Continues from a saved state: moments are copied, by position, onto `variables`. */
  restoreState(variables: readonly tf.Variable[], state: AdamState): void;
  /** Frees the moments. Idempotent. */
  dispose(): void;
}

/** One weight's update with tfjs ops, in tfjs's order (the reference the wasm kernel follows). */
function updateWithOps(value: tf.Tensor, gradient: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: AdamUpdateAttrs): tf.Tensor[] {
  return tf.tidy(() => {
    const m1 = tf.add(tf.mul(m, a.beta1), tf.mul(gradient, 1 - a.beta1));
    const v1 = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(gradient), 1 - a.beta2));
    const step = tf.div(tf.div(m1, a.correction1), tf.add(tf.sqrt(tf.div(v1, a.correction2)), a.epsilon));
    return [tf.add(tf.mul(step, -a.learningRate), value), m1, v1];
  });
}

function update(value: tf.Tensor, gradient: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamUpdateAttrs): tf.Tensor[] {
  const fused =
    tf.getBackend() === 'wasm' && value.dtype === 'float32' && gradient.dtype === 'float32' &&
    tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm') !== undefined && fusedAdamUsable(tf.backend());
  if (!fused) return updateWithOps(value, gradient, m, v, attrs);
  return tf.engine().runKernel(ADAM_UPDATE_KERNEL, { value, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
}

export function createAdam(args: AdamArgs = {}): Adam {
  let learningRate = args.learningRate ?? 0.001;
  const beta1 = args.beta1 ?? 0.9;
  const beta2 = args.beta2 ?? 0.999;
  const epsilon = args.epsilon ?? 1e-7;
  if (!(learningRate > 0)) throw new RangeError(`Adam: learningRate must be positive, got ${learningRate}`);
  const moments = new Map<tf.Variable, { m: tf.Tensor; v: tf.Tensor }>();
  let iterations = 0;
  // tfjs keeps β1ᵗ and β2ᵗ as float32 variables multiplied every step: the same products here.
  let power1 = Math.fround(beta1);
  let power2 = Math.fround(beta2);
  const powersAfter = (steps: number) => {
    let p1 = Math.fround(beta1);
    let p2 = Math.fround(beta2);
    for (let i = 0; i < steps; i++) {
      p1 = Math.fround(p1 * Math.fround(beta1));
      p2 = Math.fround(p2 * Math.fround(beta2));
    }
    return [p1, p2] as const;
  };
  return {
    get iterations() {
      return iterations;
    },
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      if (!(value > 0)) throw new RangeError(`Adam: learningRate must be positive, got ${value}`);
      learningRate = value;
    },
    saveState(variables) {
      return {
        iterations,
        moments: variables.map((variable) => {
          const state = moments.get(variable);
          return state ? { m: state.m.clone(), v: state.v.clone() } : null;
        }),
      };
    },
    restoreState(variables, state) {
      if (state.moments.length !== variables.length) {
        throw new Error(`Adam: the saved state has ${state.moments.length} variables, the model ${variables.length}`);
      }
      variables.forEach((variable, i) => {
        const saved = state.moments[i];
        if (!saved) return;
        if (saved.m.shape.join() !== variable.shape.join()) {
          throw new Error(`Adam: saved moments of variable ${i} have shape [${saved.m.shape}], ${variable.name} has [${variable.shape}]`);
        }
        const old = moments.get(variable);
        if (old) tf.dispose([old.m, old.v]);
        moments.set(variable, { m: tf.keep(saved.m.clone()), v: tf.keep(saved.v.clone()) });
      });
      iterations = state.iterations;
      [power1, power2] = powersAfter(iterations);
    },
    apply(gradients) {
      const attrs: AdamUpdateAttrs = { learningRate, beta1, beta2, epsilon, correction1: 1 - power1, correction2: 1 - power2 };
      for (const [variable, gradient] of gradients) {
        let state = moments.get(variable);
        if (!state) {
          state = { m: tf.keep(tf.zerosLike(variable)), v: tf.keep(tf.zerosLike(variable)) };
          moments.set(variable, state);
        }
        const [value, m, v] = update(variable, gradient, state.m, state.v, attrs);
        variable.assign(value);
        value.dispose();
        tf.dispose([state.m, state.v]);
        moments.set(variable, { m: tf.keep(m), v: tf.keep(v) });
      }
      iterations++;
      power1 = Math.fround(power1 * Math.fround(beta1));
      power2 = Math.fround(power2 * Math.fround(beta2));
    },
    dispose() {
      for (const { m, v } of moments.values()) tf.dispose([m, v]);
      moments.clear();
    },
  };
}
