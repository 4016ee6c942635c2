/**
 * Lesson 7 of the Keras course, *Callbacks*, as its cells call it: TensorBoard (a board of runs in
 * the page), ModelCheckpoint (Keras `.weights.h5` files kept in the browser's IndexedDB, or in
 * memory headless), loading weights back into a fresh model and evaluating it. Each value shows
 * itself (the display protocol): HTML or SVG in the page, text in `lectern run`.
 *
 * ```ts
 * const board = tensorBoard();
 * const checkpoint = modelCheckpoint({ filepath: 'checkpoints/best_model.weights.h5', monitor: 'val_loss', saveBestOnly: true });
 * const training = train({ base, data, epochs: 200, earlyStopping: { patience: 5, restoreBestWeights: true }, callbacks: [checkpoint], invalidation });
 * const runs = board.record(`patience ${patience}`, training);
 * scalars(runs, { smoothing })
 * const fresh = courseModel({ base: await loadBase({ invalidation }), classes: data.classes, invalidation });
 * await loadWeights(fresh, 'checkpoints/best_model.weights.h5');
 * await evaluate(fresh, data.validation)
 * ```
 *
 * Runs in Node and in the browser.
 */
import * as tf from '@tensorflow/tfjs';
import type { LabeledImages } from '../ml/data/types.ts';
import { evaluateModel, type Evaluation } from '../ml/evaluate-model.ts';
import { classifierHead } from '../ml/finetune.ts';
import { describeKerasWeights, kerasLayoutOf, loadKerasWeights, stackedLayout, type KerasModelLayout, type LoadedKerasWeights } from '../ml/keras-weights.ts';
import { disposeLayerWeights } from '../ml/model-cut.ts';
import { createModelCheckpoint, type ModelCheckpoint, type ModelCheckpointArgs } from '../ml/model-checkpoint.ts';
import { createScalarsBoard, scalarsSvg, scalarsText, type RecordedRun, type ScalarRun, type ScalarsBoard } from '../ml/scalars.ts';
import { indexedDbWeightStore } from '../ml/weight-store-indexeddb.ts';
import { memoryWeightStore, type CheckpointInfo, type WeightStore } from '../ml/weight-store.ts';
import { rich, type Displayable } from '../runtime/display.ts';

// ---- Where checkpoints live -----------------------------------------------------------------

let pageStore: WeightStore | null = null;
/**
 * The store checkpoints go to by default: the browser's IndexedDB in a page (they survive a reload),
 * memory elsewhere (a headless run writes nothing to disk). One per page or process.
 */
export function checkpointStore(): WeightStore {
  pageStore ??= typeof indexedDB !== 'undefined' ? indexedDbWeightStore() : memoryWeightStore();
  return pageStore;
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fileName = (path: string) => path.split('/').pop() ?? path;

/** A link that downloads `bytes` as `path`'s file name (a blob: URL; pages only). */
function downloadLink(bytes: Uint8Array, path: string): string {
  if (typeof URL.createObjectURL !== 'function' || typeof Blob === 'undefined') return '';
  const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/x-hdf5' }));
  return `<a class="lectern-download" href="${url}" download="${escape(fileName(path))}">Download ${escape(fileName(path))}</a>`;
}

function describeInfo(info: CheckpointInfo): string {
  const logs = info.logs;
  const scores = ['val_loss', 'val_accuracy'].filter((k) => Number.isFinite(logs[k])).map((k) => `${k} ${logs[k]!.toFixed(4)}`).join(', ');
  return `epoch ${info.epoch} (${scores}), ${megabytes(info.bytes)}`;
}

// ---- ModelCheckpoint ------------------------------------------------------------------------

export type Checkpoint = ModelCheckpoint & Displayable;

/**
 * Keras's `ModelCheckpoint(filepath, monitor, save_best_only, save_weights_only)` for `train`'s
 * `callbacks`: writes a Keras 3 `.weights.h5` file into the page's store each time it saves. Shows
 * what it saved last, with a download link in the page.
 */
export function modelCheckpoint(args: ModelCheckpointArgs): Checkpoint {
  const store = args.store ?? checkpointStore();
  let last: Uint8Array | null = null;
  // Remember the last file's bytes for the download link (the store keeps them too).
  const remembering: WeightStore = { ...store, save: async (path, bytes, info) => { last = bytes; await store.save(path, bytes, info); } };
  const checkpoint = createModelCheckpoint({ ...args, store: remembering });
  const forms = () => {
    const saved = checkpoint.saved;
    const where = typeof indexedDB !== 'undefined' ? 'kept in this browser (IndexedDB)' : 'kept in memory';
    const text = saved
      ? `ModelCheckpoint: ${checkpoint.filepath} holds ${describeInfo(saved)}; ${checkpoint.writes.length} write${checkpoint.writes.length === 1 ? '' : 's'} so far, ${where}.`
      : `ModelCheckpoint: nothing saved to ${checkpoint.filepath} yet.`;
    const link = saved && last ? ` ${downloadLink(last, checkpoint.filepath)}` : '';
    return { text, html: `<p class="lectern-checkpoint">${escape(text)}${link}</p>` };
  };
  return Object.assign(checkpoint, rich(forms)) as Checkpoint;
}

/** A stored checkpoint, as a cell shows it: what it holds, and a download link in the page. */
export type CheckpointFile = { bytes: Uint8Array; info: CheckpointInfo } & Displayable;

/** Reads a checkpoint back from the store (after a reload too), or null when there is none. */
export async function readCheckpoint(path: string, { store = checkpointStore() }: { store?: WeightStore } = {}): Promise<CheckpointFile | null> {
  const found = await store.load(path);
  if (!found) return null;
  const text = `${path}: ${describeInfo(found.info)}, saved ${new Date(found.info.savedAt).toISOString().replace('T', ' ').slice(0, 19)} UTC.`;
  return Object.assign(found, rich(() => ({ text, html: `<p class="lectern-checkpoint">${escape(text)} ${downloadLink(found.bytes, path)}</p>` }))) as CheckpointFile;
}

// ---- A fresh model, weights, evaluation -----------------------------------------------------

/** Which base each course model was built on: their Keras layout is `Sequential([base, *head])`. */
const bases = new WeakMap<tf.LayersModel, tf.LayersModel>();

export interface CourseModelArgs {
  /** A base of its own (`await loadBase(...)`): the model uses its layers and so changes its weights when loading. */
  base: tf.LayersModel;
  /** The task's class names (the head's outputs). */
  classes: readonly string[];
  /** Dropout of the head. Default 0.5. */
  dropout?: number;
  /** Seed of the head's initial weights. Default 0. */
  seed?: number;
  /** The cell's invalidation: frees the head when the cell re-runs (the base is freed by loadBase's). */
  invalidation?: PromiseLike<unknown>;
}

/** The course's model, untrained: `keras.Sequential([base, GlobalAveragePooling2D(), Dropout, Dense(128, relu), Dropout, Dense(classes, softmax)])`. */
export function courseModel({ base, classes, dropout = 0.5, seed = 0, invalidation }: CourseModelArgs): tf.LayersModel {
  if (classes.length < 2) throw new Error(`courseModel: classes must name at least 2 classes, got ${classes.length}`);
  const head = classifierHead({ dropout, classes: classes.length, seed });
  const model = tf.model({ inputs: base.inputs, outputs: head.apply(base.outputs[0] as tf.SymbolicTensor), name: 'sequential' });
  bases.set(model, base);
  invalidation?.then(() => disposeLayerWeights(head.layers));
  return model;
}

/** The Keras layout of a model: a course model's or one given a base, else the model's own. */
function layoutOf(model: tf.LayersModel, base?: tf.LayersModel): KerasModelLayout {
  const known = base ?? bases.get(model);
  return known ? stackedLayout(model, known) : kerasLayoutOf(model);
}

export type LoadedWeights = LoadedKerasWeights & Displayable;

/**
 * Keras's `model.load_weights(path)`: a file of the page's store (a checkpoint's filepath), a
 * checkpoint read with readCheckpoint, or the bytes of a `.weights.h5` file (an upload, a fetch). A layer that does not fit is named, and then
 * nothing changed.
 */
export async function loadWeights(
  model: tf.LayersModel,
  source: string | CheckpointFile | Uint8Array | Blob,
  { store = checkpointStore(), base }: { store?: WeightStore; base?: tf.LayersModel } = {},
): Promise<LoadedWeights> {
  let bytes: Uint8Array;
  let name: string;
  if (typeof source === 'string') {
    const found = await store.load(source);
    if (!found) throw new Error(`loadWeights: no file "${source}" in this ${typeof indexedDB !== 'undefined' ? 'browser' : 'run'}; a ModelCheckpoint with that filepath writes it`);
    bytes = found.bytes;
    name = source;
  } else if ('info' in source) {
    // A checkpoint read earlier (readCheckpoint): exactly those bytes, even if the store changed since.
    bytes = source.bytes;
    name = source.info.path;
  } else if (source instanceof Uint8Array) {
    bytes = source;
    name = 'weights.h5';
  } else {
    bytes = new Uint8Array(await source.arrayBuffer());
    name = (source as Blob & { name?: string }).name ?? 'weights.h5';
  }
  const loaded = await loadKerasWeights(layoutOf(model, base), bytes, { fileName: name });
  const ignored = loaded.ignored.length > 0 ? ` (not loaded: ${loaded.ignored.join(', ')})` : '';
  const text = `Loaded ${name} into ${model.name}: ${loaded.values.toLocaleString('en-US')} values in ${loaded.layers} layers${ignored}.`;
  return Object.assign(loaded, rich({ text })) as LoadedWeights;
}

/** "conv2d_12" → ["conv2d", 12]; "conv2d" → ["conv2d", 0] (Keras numbers a class's layers from its bare name). */
function splitIndex(segment: string): [string, number] {
  const match = /^(.*?)(?:_(\d+))?$/.exec(segment)!;
  return [match[1]!, match[2] === undefined ? 0 : Number(match[2])];
}

/**
 * What a weight file holds, like `h5ls -r`: its layers in Keras's layout (grouped by class, as Keras
 * numbers them), one example of each, and in the page the whole list.
 */
export async function inspectWeights(source: Uint8Array | CheckpointFile, name = 'weights.h5'): Promise<Displayable> {
  const bytes = source instanceof Uint8Array ? source : source.bytes;
  const groups = (await describeKerasWeights(bytes, name)).filter((g) => g.shapes.length > 0);
  const keyed = groups.map((g) => {
    const parts = g.path.split('/');
    const [cls, index] = splitIndex(parts.at(-1)!);
    return { ...g, parent: parts.slice(0, -1).join('/'), cls, index };
  });
  keyed.sort((a, b) => a.parent.localeCompare(b.parent) || a.cls.localeCompare(b.cls) || a.index - b.index);
  const byClass = new Map<string, typeof keyed>();
  for (const g of keyed) byClass.set(`${g.parent}/${g.cls}`, [...(byClass.get(`${g.parent}/${g.cls}`) ?? []), g]);
  const shapes = (g: (typeof keyed)[number]) => g.shapes.map((shape, i) => `${i}: [${shape.join(', ')}]`).join(', ');
  const lines = [`${name}: ${groups.length} layers with weights, in Keras 3's layout (path/vars/0, 1, …)`];
  for (const [key, members] of byClass) {
    const first = members[0]!;
    lines.push(`  ${key}${members.length > 1 ? ` … _${members.length - 1}` : ''} (${members.length}), e.g. ${first.path}: "${first.name ?? '?'}", ${shapes(first)}`);
  }
  const rows = keyed.map((g) => `<tr><td><code>${escape(g.path)}/vars</code></td><td>${escape(g.name ?? '')}</td><td>${escape(g.shapes.map((s) => `[${s.join(', ')}]`).join(' '))}</td></tr>`).join('');
  // Focusable: a wide <pre> scrolls, and keyboard users must reach it (axe: scrollable-region-focusable).
  const html = `<pre tabindex="0">${escape(lines.join('\n'))}</pre><details><summary>All ${groups.length} layers</summary><table class="lectern-weights"><thead><tr><th scope="col">group</th><th scope="col">layer</th><th scope="col">variables</th></tr></thead><tbody>${rows}</tbody></table></details>`;
  return rich({ text: lines.join('\n'), html });
}

export type ModelEvaluation = Evaluation & Displayable;

/** Keras's `model.evaluate(x, y)`: loss and accuracy on labelled images, in inference mode. */
export async function evaluate(model: tf.LayersModel, images: Pick<LabeledImages, 'x' | 'y'>): Promise<ModelEvaluation> {
  const result = await evaluateModel(model, images);
  const text = `loss: ${result.loss.toFixed(4)} - accuracy: ${result.accuracy.toFixed(4)} (${result.images} images)`;
  return Object.assign(result, rich({ text })) as ModelEvaluation;
}

// ---- TensorBoard ----------------------------------------------------------------------------

export interface TensorBoard extends ScalarsBoard {
  /** Records `training` (a Training from `train`, or anything with logs) as the run `name`; returns every run. */
  record(name: string, training: RecordedRun): ScalarRun[];
}

/** The page's TensorBoard: a board that keeps every run recorded in it, side by side. */
export function tensorBoard(options: { maxRuns?: number } = {}): TensorBoard {
  return createScalarsBoard(options);
}

/** The scalars view of runs: loss and accuracy per epoch, smoothing as TensorBoard's slider. */
export function scalars(runs: readonly ScalarRun[], { smoothing = 0.6, width = 720 }: { smoothing?: number; width?: number } = {}): Displayable {
  return rich(() => ({ text: scalarsText(runs, { smoothing }), svg: scalarsSvg(runs, { smoothing, width: Math.max(360, Math.min(width, 960)) }) }));
}
