/**
 * The architectures a saved model may be (weights.ts): a saved model names its architecture in its
 * metadata, and loading rebuilds that architecture from code, then fills it by weight name. Each
 * entry says how to build the network from the metadata and which weights are its classification
 * top (left out when a base is loaded without it). MobileNetV2 is registered here; a course adds
 * its own with registerArchitecture. Runs in Node and in the browser.
 */
import type * as tf from '@tensorflow/tfjs';
import { mobileNetV2, type Alpha } from './mobilenetv2.ts';

/** What an architecture needs to rebuild itself: the saved model's metadata (weights.ts's PretrainedMetadata fits). */
export interface ArchitectureMetadata {
  architecture: string;
  /** MobileNetV2's width multiplier. */
  alpha?: number;
  /** Class names of the top, in index order. */
  classes: readonly string[];
}

export interface BuildArgs {
  metadata: ArchitectureMetadata;
  /** Side of the square inputs to build for. */
  inputSize: number;
  /** With the classification top (true), or the base alone. */
  includeTop: boolean;
}

export interface Architecture {
  /** Builds the network with placeholder weights (zeros): loading sets every one of them. */
  build(args: BuildArgs): tf.LayersModel;
  /** True for the weights of the classification top. */
  isTop(weightName: string): boolean;
}

const registry = new Map<string, Architecture>();

/** Adds (or replaces) the architecture saved models call `name`. */
export function registerArchitecture(name: string, architecture: Architecture): void {
  registry.set(name, architecture);
}

/** The registered architecture `name`, or undefined. */
export function architectureNamed(name: string): Architecture | undefined {
  return registry.get(name);
}

/** Names of the registered architectures. */
export function architectureNames(): string[] {
  return [...registry.keys()];
}

registerArchitecture('MobileNetV2', {
  build: ({ metadata, inputSize, includeTop }) =>
    mobileNetV2({
      inputShape: [inputSize, inputSize, 3],
      alpha: (metadata.alpha ?? 1) as Alpha,
      includeTop,
      classes: metadata.classes.length,
      initialWeights: 'zeros', // every weight is set when loading
    }),
  // Keras's MobileNetV2 top: GlobalAveragePooling2D (no weights) and the Dense "predictions".
  isTop: (name) => name.startsWith('predictions/'),
});
