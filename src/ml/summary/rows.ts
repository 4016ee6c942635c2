/**
 * What Keras's `model.summary()` shows about each layer, read from a tfjs model
 * (keras/src/utils/summary_utils.py: format_layer_shape, get_connections, get_layer_fields,
 * the sequential-like test, and the footer's counts and sizes). Shared by the text and HTML
 * renderings and by `lectern summary --json`; runs in Node and in the browser.
 */
import type * as tf from '@tensorflow/tfjs';
import { countParams } from '../freeze.ts';

export interface SummaryRow {
  name: string;
  className: string;
  /** As Keras prints it, e.g. "(None, 7, 7, 320)". */
  outputShape: string;
  params: number;
  trainableParams: number;
  /** The layer's own `trainable` flag. */
  trainable: boolean;
  /** Keras's Trainable column: "Y"/"N" for layers with weights, "-" for the others. */
  trainableMark: 'Y' | 'N' | '-';
  /** Inbound tensors as `layer[node][tensor]`; empty for an input layer. */
  connectedTo: string[];
}

export interface SummaryTotals {
  total: number;
  trainable: number;
  nonTrainable: number;
  /** Bytes, as Keras computes them from each weight's dtype. */
  totalBytes: number;
  trainableBytes: number;
  nonTrainableBytes: number;
}

export interface ModelSummary {
  name: string;
  /** Keras drops the "Connected to" column for models that are a plain chain of layers. */
  sequentialLike: boolean;
  rows: SummaryRow[];
  totals: SummaryTotals;
}

/** Keras's shape format: "(None, 7, 7, 320)"; several outputs: "[(None, 3), (None, 4)]". */
export function formatShape(shape: (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** Python's `f"{n:,}"`. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Python's `"{:.2f}".format(x)`: exact halves round to even (JS toFixed rounds them up). */
export function formatFixed2(x: number): string {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isSafeInteger(floor)) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/** Keras's `readable_memory_size`: "8.61 MB" (1024 per step, two decimals). */
export function readableSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${formatFixed2(size)} ${unit}`;
    size /= 1024;
  }
  return `${formatFixed2(size)} PB`;
}

type Node = tf.layers.Layer['inboundNodes'][number];

/** The parts of tfjs's Container we read (public fields, typed loosely in tfjs's d.ts). */
interface ContainerInternals {
  nodesByDepth?: Record<string, Node[]>;
  containerNodes?: Set<string>;
}

function nodesOf(model: tf.LayersModel): Node[] {
  const byDepth = (model as unknown as ContainerInternals).nodesByDepth ?? {};
  return Object.values(byDepth).flat();
}

/** Keras's test: one node per depth, each with one input tensor, and no shared layers. */
export function isSequentialLike(model: tf.LayersModel): boolean {
  if (model.getClassName() === 'Sequential') return true;
  const byDepth = (model as unknown as ContainerInternals).nodesByDepth ?? {};
  for (const nodes of Object.values(byDepth)) {
    if (nodes.length > 1 || (nodes.length === 1 && nodes[0].inputTensors.length > 1)) return false;
  }
  const inModel = new Set(nodesOf(model));
  return model.layers.every((layer) => layer.inboundNodes.filter((n) => inModel.has(n)).length <= 1);
}

function connections(layer: tf.layers.Layer, relevant: Set<Node>): string[] {
  const out: string[] = [];
  for (const node of layer.inboundNodes) {
    if (relevant.size && !relevant.has(node)) continue;
    node.inboundLayers.forEach((inbound, i) => {
      out.push(`${inbound.name}[${node.nodeIndices[i]}][${node.tensorIndices[i]}]`);
    });
  }
  return out;
}

function outputShape(layer: tf.layers.Layer): string {
  const nodes = layer.inboundNodes;
  if (!nodes.length) return '?';
  const tensors = nodes[nodes.length - 1].outputTensors;
  const shapes = tensors.map((t) => formatShape(t.shape));
  return shapes.length === 1 ? shapes[0] : `[${shapes.join(', ')}]`;
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, string: 0 };

function bytesOf(weights: tf.LayerVariable[]): number {
  const unique = [...new Map(weights.map((w) => [w.id, w])).values()];
  return unique.reduce((sum, w) => sum + w.shape.reduce((a: number, d) => a * (d ?? 1), 1) * (BYTES_PER_DTYPE[w.dtype] ?? 4), 0);
}

/** tfjs class names that Keras 3 spells differently (a nested functional model). */
const KERAS_CLASS_NAMES: Record<string, string> = { Model: 'Functional' };

/** One row per layer, in the model's order (InputLayer first, as Keras's `_operations`). */
export function summarize(model: tf.LayersModel): ModelSummary {
  const sequentialLike = isSequentialLike(model);
  const relevant = new Set(nodesOf(model));
  const rows = model.layers.map((layer): SummaryRow => {
    const counts = countParams(layer);
    const hasWeights = layer.weights.length > 0;
    return {
      name: layer.name,
      className: KERAS_CLASS_NAMES[layer.getClassName()] ?? layer.getClassName(),
      outputShape: outputShape(layer),
      params: counts.total,
      trainableParams: counts.trainable,
      trainable: layer.trainable,
      trainableMark: hasWeights ? (layer.trainable ? 'Y' : 'N') : '-',
      connectedTo: connections(layer, relevant),
    };
  });
  const counts = countParams(model);
  const trainableBytes = bytesOf(model.trainableWeights);
  const nonTrainableBytes = bytesOf(model.nonTrainableWeights);
  return {
    name: model.name,
    sequentialLike,
    rows,
    totals: {
      ...counts,
      totalBytes: trainableBytes + nonTrainableBytes,
      trainableBytes,
      nonTrainableBytes,
    },
  };
}
