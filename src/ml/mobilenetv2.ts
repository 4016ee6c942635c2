/**
 * MobileNetV2, layer for layer as Keras 3's `keras.applications.MobileNetV2`
 * (keras/src/applications/mobilenet_v2.py): same layer names, order, widths (`_make_divisible`),
 * `correct_pad` before stride-2 depthwise convolutions, bias-free convolutions, BatchNormalization
 * (epsilon 1e-3, momentum 0.999, Keras semantics when frozen: see batchnorm.ts) and ReLU(6).
 * Keras 3 pads Conv1 with "same" (no `Conv1_pad` layer, unlike keras-applications 1.0.8).
 */
import * as tf from '@tensorflow/tfjs';
import { kerasBatchNormalization } from './batchnorm.ts';

/** The width multipliers Keras publishes weights for (and that we support). */
export const SUPPORTED_ALPHAS = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4] as const;
export type Alpha = (typeof SUPPORTED_ALPHAS)[number];

/** The supported alphas as Keras writes them: "0.35, 0.5, 0.75, 1.0, 1.3, 1.4". */
export function formatAlphas(): string {
  return SUPPORTED_ALPHAS.map((a) => (Number.isInteger(a) ? a.toFixed(1) : String(a))).join(', ');
}

/** Smallest input side Keras accepts for MobileNetV2. */
export const MIN_INPUT_SIZE = 32;

export interface MobileNetV2Args {
  /** [rows, cols, 3]. Default [224, 224, 3]. Rows and cols must be ≥ 32; channels must be 3. */
  inputShape?: [number, number, number];
  /** Width multiplier, one of 0.35, 0.5, 0.75, 1.0, 1.3, 1.4. Default 1.0. */
  alpha?: number;
  /** Add GlobalAveragePooling2D + Dense `predictions`. Default true (as Keras). */
  includeTop?: boolean;
  /** Number of classes of the `predictions` layer (includeTop only). Default 1000. */
  classes?: number;
  /** Activation of `predictions`. Default 'softmax'. */
  classifierActivation?: 'softmax' | 'linear' | 'sigmoid';
  /** Pooling when includeTop is false: 'avg', 'max' or none. Default none (4-D output). */
  pooling?: 'avg' | 'max' | null;
  /** Model name. Default `mobilenetv2_{alpha:.2f}_{rows}`, e.g. `mobilenetv2_1.00_224`. */
  name?: string;
  /** Seed for weight initialisers, for reproducible tests. Default none (random). */
  seed?: number;
  /**
   * 'zeros' builds the layers without drawing random weights, for a caller that sets every weight
   * right after (loading pretrained weights): drawing α 1.0's 2.2 M random values takes ~100 ms of
   * a page's load. Default 'random' (Keras's initialisers, seeded by `seed` when given).
   */
  initialWeights?: 'random' | 'zeros';
}

/** Keras's `_make_divisible`: round to a multiple of `divisor`, never more than 10% below `v`. */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  let rounded = Math.max(minValue, Math.floor(Math.floor(v + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

/** Keras's `imagenet_utils.correct_pad` for a 3×3 kernel: [[top, bottom], [left, right]]. */
export function correctPad(rows: number, cols: number, kernel = 3): [[number, number], [number, number]] {
  const half = Math.floor(kernel / 2);
  return [
    [half - (1 - (rows % 2)), half],
    [half - (1 - (cols % 2)), half],
  ];
}

/** The model name Keras gives: `mobilenetv2_{alpha:0.2f}_{rows}`. */
export function mobileNetV2Name(alpha: number, rows: number): string {
  return `mobilenetv2_${alpha.toFixed(2)}_${rows}`;
}

/** [filters, stride, expansion] of blocks 0..16, as in Keras. */
const BLOCKS: ReadonlyArray<readonly [number, number, number]> = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

function validate(args: Required<Pick<MobileNetV2Args, 'inputShape' | 'alpha' | 'classes'>>): void {
  const { inputShape, alpha, classes } = args;
  if (!(SUPPORTED_ALPHAS as readonly number[]).includes(alpha)) {
    throw new Error(`mobileNetV2: alpha must be one of ${formatAlphas()}; got ${alpha}`);
  }
  if (inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d))) {
    throw new Error(`mobileNetV2: inputShape must be [rows, cols, 3] integers; got [${inputShape.join(', ')}]`);
  }
  const [rows, cols, channels] = inputShape;
  if (rows < MIN_INPUT_SIZE || cols < MIN_INPUT_SIZE) {
    throw new Error(`mobileNetV2: input size must be at least ${MIN_INPUT_SIZE}x${MIN_INPUT_SIZE}; got ${rows}x${cols}`);
  }
  if (channels !== 3) throw new Error(`mobileNetV2: input must have 3 channels; got ${channels}`);
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`mobileNetV2: classes must be a positive integer; got ${classes}`);
}

type Init = { kernelInitializer?: ReturnType<typeof tf.initializers.glorotUniform> | ReturnType<typeof tf.initializers.zeros> };

function conv(x: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string, init: Init): tf.SymbolicTensor {
  const layer = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, name, ...init });
  return layer.apply(x) as tf.SymbolicTensor;
}

function bn(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return kerasBatchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name }).apply(x) as tf.SymbolicTensor;
}

function relu6(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.reLU({ maxValue: 6, name }).apply(x) as tf.SymbolicTensor;
}

function invertedResBlock(
  inputs: tf.SymbolicTensor,
  block: { id: number; filters: number; stride: number; expansion: number; alpha: number },
  init: () => Init,
): tf.SymbolicTensor {
  const inChannels = inputs.shape[3] as number;
  const pointwiseFilters = makeDivisible(Math.trunc(block.filters * block.alpha), 8);
  let x = inputs;
  let prefix = `block_${block.id}_`;
  if (block.id) {
    x = conv(x, block.expansion * inChannels, 1, 1, `${prefix}expand`, init());
    x = bn(x, `${prefix}expand_BN`);
    x = relu6(x, `${prefix}expand_relu`);
  } else {
    prefix = 'expanded_conv_';
  }
  if (block.stride === 2) {
    const padding = correctPad(x.shape[1] as number, x.shape[2] as number);
    x = tf.layers.zeroPadding2d({ padding, name: `${prefix}pad` }).apply(x) as tf.SymbolicTensor;
  }
  const depthwiseInit = init().kernelInitializer;
  x = tf.layers
    .depthwiseConv2d({
      kernelSize: 3,
      strides: block.stride,
      useBias: false,
      padding: block.stride === 1 ? 'same' : 'valid',
      name: `${prefix}depthwise`,
      ...(depthwiseInit ? { depthwiseInitializer: depthwiseInit } : {}),
    })
    .apply(x) as tf.SymbolicTensor;
  x = bn(x, `${prefix}depthwise_BN`);
  x = relu6(x, `${prefix}depthwise_relu`);
  x = conv(x, pointwiseFilters, 1, 1, `${prefix}project`, init());
  x = bn(x, `${prefix}project_BN`);
  if (inChannels === pointwiseFilters && block.stride === 1) {
    return tf.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as tf.SymbolicTensor;
  }
  return x;
}

/**
 * Builds Keras 3's MobileNetV2 as a tfjs LayersModel (random weights; see the weights module for
 * pretrained ones). With includeTop false: 154 layers, first `input_layer`, last `out_relu`.
 */
export function mobileNetV2(args: MobileNetV2Args = {}): tf.LayersModel {
  const inputShape = args.inputShape ?? [224, 224, 3];
  const alpha = args.alpha ?? 1.0;
  const includeTop = args.includeTop ?? true;
  const classes = args.classes ?? 1000;
  validate({ inputShape, alpha, classes });
  let seed = args.seed;
  // A fresh seeded initialiser per layer, so that layers do not share identical weights.
  const init = (): Init => {
    if (args.initialWeights === 'zeros') return { kernelInitializer: tf.initializers.zeros() };
    return seed === undefined ? {} : { kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) };
  };

  const input = tf.input({ shape: inputShape, name: 'input_layer' });
  let x = conv(input, makeDivisible(32 * alpha, 8), 3, 2, 'Conv1', init());
  x = bn(x, 'bn_Conv1');
  x = relu6(x, 'Conv1_relu');
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    x = invertedResBlock(x, { id, filters, stride, expansion, alpha }, init);
  });
  const lastFilters = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = tf.layers
    .conv2d({ filters: lastFilters, kernelSize: 1, useBias: false, name: 'Conv_1', ...init() })
    .apply(x) as tf.SymbolicTensor;
  x = bn(x, 'Conv_1_bn');
  x = relu6(x, 'out_relu');

  if (includeTop) {
    x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers
      .dense({ units: classes, activation: args.classifierActivation ?? 'softmax', name: 'predictions', ...init() })
      .apply(x) as tf.SymbolicTensor;
  } else if (args.pooling === 'avg') {
    x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tf.SymbolicTensor;
  } else if (args.pooling === 'max') {
    x = tf.layers.globalMaxPooling2d({ name: 'global_max_pooling2d' }).apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x, name: args.name ?? mobileNetV2Name(alpha, inputShape[0]) });
}
