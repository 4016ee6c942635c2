/** Helpers shared by the summary tests: Keras fixtures and the models they were printed from. */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { freezeAllButLast } from '../../../src/ml/freeze.ts';
import { mobileNetV2 } from '../../../src/ml/mobilenetv2.ts';

/** A fixture under test/fixtures/keras without its "#" header lines. */
export function kerasFixture(name: string): string {
  const text = readFileSync(new URL(`../../fixtures/keras/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
}

export interface KerasRow {
  name: string;
  className: string;
  outputShape: string;
  params: number;
  connectedTo: string;
}

/** Parses the rows of a printed Keras (rich) table: cells of wrapped lines joined by a space. */
export function parseKerasTable(text: string): KerasRow[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('┡'));
  const end = lines.findIndex((l) => l.startsWith('└'));
  const rows: string[][][] = [[]];
  for (const line of lines.slice(start + 1, end)) {
    if (line.startsWith('├')) rows.push([]);
    else rows[rows.length - 1].push(line.slice(1, -1).split('│').map((c) => c.trim()));
  }
  return rows.map((physical) => {
    const cells = physical[0].map((_, i) => physical.map((p) => p[i]).filter(Boolean).join(' '));
    const [, name, className] = /^(\S+) \((.+)\)$/.exec(cells[0]) ?? [];
    return { name, className, outputShape: cells[1], params: Number(cells[2].replace(/,/g, '')), connectedTo: cells[3] };
  });
}

/**
 * The model of mobilenetv2-functional-108.txt rebuilt in tfjs: MobileNetV2 with its last 30
 * layers trainable and the same classifier head, named as Keras named it.
 */
export function whiteflyModel(): tf.LayersModel {
  const base = mobileNetV2({ includeTop: false });
  freezeAllButLast(base, 30);
  const L = tf.layers;
  const stack: tf.layers.Layer[] = [
    L.globalAveragePooling2d({ name: 'global_average_pooling2d' }),
    L.batchNormalization({ name: 'batch_normalization' }),
    L.dense({ units: 512, activation: 'relu', name: 'dense' }),
    L.dropout({ rate: 0.5, name: 'dropout' }),
    L.batchNormalization({ name: 'batch_normalization_1' }),
    L.dense({ units: 256, activation: 'relu', name: 'dense_1' }),
    L.dropout({ rate: 0.4, name: 'dropout_1' }),
    L.batchNormalization({ name: 'batch_normalization_2' }),
    L.dense({ units: 128, activation: 'relu', name: 'dense_2' }),
    L.dropout({ rate: 0.3, name: 'dropout_2' }),
    L.dense({ units: 3, activation: 'softmax', name: 'output' }),
  ];
  const output = stack.reduce((x, layer) => layer.apply(x) as tf.SymbolicTensor, base.outputs[0]);
  return tf.model({ inputs: base.inputs, outputs: output, name: 'functional' });
}
