/**
 * Keras 3 weight files (`model.save_weights("x.weights.h5")`, `ModelCheckpoint(save_weights_only=True)`)
 * written and read with h5wasm (HDF5 compiled to WebAssembly, same code in Node and the browser).
 *
 * Keras 3's layout (keras/src/saving/saving_lib.py, `H5IOStore`): every saveable object has a group
 * `<path>/vars` holding its variables as datasets "0", "1", ... in the order
 * `layer._trainable_variables + layer._non_trainable_variables`, with the object's name in the
 * group's `name` attribute (Keras ≥ 3.6; older files lack it). The model itself is at the root
 * (`/vars`); the layers of a Functional or Sequential model are at `layers/<snake_case(class)>`,
 * numbered per class in layer order (`conv2d`, `conv2d_1`, ...), never by layer name, and a
 * nested model's layers under its own path (`layers/functional/layers/conv2d`). Keras 2.13 wrote
 * `_layer_checkpoint_dependencies` where Keras 3 writes `layers`; Keras 3 still reads both, so
 * does this module. A Sequential model's `layers` leave out its InputLayer; a Functional's keep it.
 *
 * The optimizer's state (`optimizer/vars`) is neither written nor read: Keras loads such a file
 * with a warning ("Skipping variable loading for optimizer"), and a file that has it loads here
 * with the optimizer group listed as ignored.
 *
 * Reading checks the whole file against the model before it changes a single weight, and names
 * the layer (its name, class and path in the file) when a group is missing or a weight's count,
 * shape or type differs. Files are treated as untrusted: links are refused and no dataset is read
 * before its declared shape matched the model's.
 */
import * as tf from '@tensorflow/tfjs';

type Layer = tf.layers.Layer;

/** A model as Keras saves it: its class, its name and its layers in order, some maybe nested models. */
export interface KerasModelLayout {
  className: 'Functional' | 'Sequential';
  name: string;
  layers: (Layer | KerasModelLayout)[];
}

/** One saveable object of the layout: where its variables live in the file. */
export interface KerasEntry {
  /** Path of the object's group, without the trailing `/vars` ('' for the root model). */
  path: string;
  name: string;
  className: string;
  /** The tfjs layer, or null for a (nested) model, which owns no variables of its own. */
  layer: Layer | null;
  /** The layer's variables in Keras's order. */
  weights: tf.LayerVariable[];
}

/** A weight file that is not HDF5, does not fit the model, or cannot be written. */
export class KerasWeightsError extends Error {
  override name = 'KerasWeightsError';
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
  }
}

// ---- Layout ------------------------------------------------------------------------------

/** Keras's `naming.to_snake_case`: "BatchNormalization" → "batch_normalization", "ReLU" → "re_lu". */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const isLayout = (x: Layer | KerasModelLayout): x is KerasModelLayout => !(x instanceof tf.layers.Layer);

/**
 * The Keras layout of a tfjs model as it stands: a functional model (`tf.model`, Keras
 * `keras.Model(inputs, outputs)`) keeps its InputLayer; a `tf.sequential` drops it, as Keras does;
 * nested models become nested layouts.
 */
export function kerasLayoutOf(model: tf.LayersModel): KerasModelLayout {
  const sequential = model instanceof tf.Sequential;
  const layers = model.layers.filter((layer) => !(sequential && layer.getClassName() === 'InputLayer'));
  return {
    className: sequential ? 'Sequential' : 'Functional',
    name: model.name,
    layers: layers.map((layer) => (layer instanceof tf.LayersModel ? kerasLayoutOf(layer) : layer)),
  };
}

/**
 * The layout Keras gives `keras.Sequential([base, *top])`, the course's model, for a flat tfjs
 * `model` made of `base`'s layers (the very layers or same-named clones) and layers after them:
 * the base's layers nested in base order under `layers/functional`, then the others.
 */
export function stackedLayout(model: tf.LayersModel, base: tf.LayersModel, name = 'sequential'): KerasModelLayout {
  const byName = new Map(model.layers.map((layer) => [layer.name, layer]));
  const baseLayers = base.layers.map((layer) => {
    const found = byName.get(layer.name);
    if (!found) throw new Error(`stackedLayout: model "${model.name}" has no layer "${layer.name}" of base "${base.name}"`);
    return found;
  });
  const inBase = new Set(baseLayers);
  const top = model.layers.filter((layer) => !inBase.has(layer) && layer.getClassName() !== 'InputLayer');
  return { className: 'Sequential', name, layers: [{ className: 'Functional', name: base.name, layers: baseLayers }, ...top] };
}

/** Every saveable of the layout with its path, in the order Keras visits them (root first). */
export function kerasEntries(layout: KerasModelLayout): KerasEntry[] {
  const entries: KerasEntry[] = [];
  const visit = (model: KerasModelLayout, path: string) => {
    entries.push({ path, name: model.name, className: model.className, layer: null, weights: [] });
    const used = new Map<string, number>();
    for (const item of model.layers) {
      const className = isLayout(item) ? item.className : item.getClassName();
      const base = toSnakeCase(className);
      const count = used.has(base) ? used.get(base)! + 1 : 0;
      used.set(base, count);
      const itemPath = `${path ? `${path}/` : ''}layers/${count === 0 ? base : `${base}_${count}`}`;
      if (isLayout(item)) visit(item, itemPath);
      else entries.push({ path: itemPath, name: item.name, className, layer: item, weights: item.weights });
    }
  };
  visit(layout, '');
  return entries;
}

const varsPath = (path: string) => (path ? `${path}/vars` : 'vars');

// ---- h5wasm ------------------------------------------------------------------------------

type H5 = typeof import('h5wasm').default;
type H5File = InstanceType<H5['File']>;
type H5Group = InstanceType<H5['Group']>;
type H5Dataset = InstanceType<H5['Dataset']>;
interface MemoryFs {
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

let h5: Promise<{ h5wasm: H5; fs: MemoryFs }> | null = null;
/** Loads h5wasm once (≈4 MB of JavaScript with the WebAssembly inside), on first use only. */
function loadH5(): Promise<{ h5wasm: H5; fs: MemoryFs }> {
  h5 ??= import('h5wasm').then(async ({ default: h5wasm }) => {
    const module = await h5wasm.ready;
    return { h5wasm, fs: module.FS as unknown as MemoryFs };
  });
  return h5;
}

let fileCount = 0;
/**
 * Runs `body` on an HDF5 file in h5wasm's in-memory file system, closes and removes it, and
 * returns what `body` returned with the file's bytes after closing (what a written file holds).
 * HDF5's own diagnostics (printed to stderr by the library) are kept out of the terminal in Node
 * and their reason is added to the error instead.
 */
async function withMemoryFile<T>(bytes: Uint8Array | null, mode: 'r' | 'w', fileName: string, body: (file: H5File) => T): Promise<{ result: T; bytes: Uint8Array }> {
  const { h5wasm, fs } = await loadH5();
  const path = `/lectern-${++fileCount}.weights.h5`;
  if (bytes) fs.writeFile(path, bytes);
  const diagnostics = captureStderr();
  try {
    let file: H5File;
    try {
      file = new h5wasm.File(path, mode);
    } catch (error) {
      throw new KerasWeightsError(fileName, `could not be opened as HDF5 (${diagnostics.reason() ?? (error as Error).message})`);
    }
    let result: T;
    try {
      result = body(file);
    } catch (error) {
      if (error instanceof KerasWeightsError) throw error;
      throw new KerasWeightsError(fileName, `could not be read as HDF5 (${diagnostics.reason() ?? (error as Error).message})`);
    } finally {
      file.close();
    }
    // HDF5 may report damage and still hand back partial answers (a group without its members).
    const damage = diagnostics.reason();
    if (damage !== null && mode === 'r') throw new KerasWeightsError(fileName, `is damaged (HDF5: ${damage}). Download or copy it again`);
    return { result, bytes: mode === 'w' ? fs.readFile(path).slice() : bytes! };
  } finally {
    diagnostics.restore();
    try { fs.unlink(path); } catch { /* never created */ }
  }
}

/** While h5wasm runs (synchronously), holds back the "HDF5-DIAG" text it writes to Node's stderr. */
function captureStderr(): { reason(): string | null; restore(): void } {
  const stderr = typeof process !== 'undefined' ? process.stderr : undefined;
  if (!stderr || typeof stderr.write !== 'function') return { reason: () => null, restore: () => {} };
  const original = stderr.write;
  let text = '';
  stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const s = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    if (/HDF5-DIAG|^\s+(#\d+|major|minor):/m.test(s)) {
      text += s;
      return true;
    }
    return (original as (...args: unknown[]) => boolean).call(stderr, chunk, ...rest);
  }) as typeof stderr.write;
  return {
    reason: () => {
      if (!text) return null;
      const reasons = [...text.matchAll(/minor: (.+)/g)].map((m) => m[1]!.trim());
      return reasons.find((m) => !/^(Unable to|Can't) (open|initialize|create|set|get)/.test(m)) ?? reasons[0] ?? 'an error';
    },
    restore: () => { stderr.write = original; },
  };
}

// ---- Writing -----------------------------------------------------------------------------

/**
 * Encodes the layout's weights as a Keras 3 `.weights.h5` file (float32, one group per saveable,
 * each with its `name` attribute, as Keras 3.6+ writes them).
 */
export async function encodeKerasWeights(layout: KerasModelLayout): Promise<Uint8Array> {
  const entries = kerasEntries(layout);
  // Read every value before touching h5wasm: reads are async, the HDF5 calls are not.
  const values = await Promise.all(entries.map((entry) => Promise.all(entry.weights.map((w) => w.read().data() as Promise<Float32Array>))));
  const { h5wasm } = await loadH5();
  const written = await withMemoryFile(null, 'w', '(writing)', (file) => {
    entries.forEach((entry, i) => {
      const group = groupAt(file, h5wasm, varsPath(entry.path));
      group.create_attribute('name', entry.name);
      entry.weights.forEach((weight, j) => {
        const data = values[i]![j]!;
        if (weight.dtype !== 'float32') throw new KerasWeightsError('(writing)', `layer "${entry.name}": weight "${weight.originalName}" is ${weight.dtype}, only float32 is written`);
        group.create_dataset({ name: String(j), data, shape: weight.shape as number[], dtype: '<f4' });
      });
    });
  });
  return written.bytes;
}

/** Creates the groups of `path` that do not exist yet and returns the last one. */
function groupAt(file: H5File, h5wasm: H5, path: string): H5Group {
  let group: H5Group = file;
  for (const part of path.split('/')) {
    const existing = group.get(part);
    group = existing instanceof h5wasm.Group ? existing : group.create_group(part);
  }
  return group;
}

// ---- Reading -----------------------------------------------------------------------------

/** One group of variables in a weight file, as `describeKerasWeights` lists it. */
export interface KerasWeightsGroup {
  /** Path without `/vars`. */
  path: string;
  /** The `name` attribute Keras ≥ 3.6 writes, or null. */
  name: string | null;
  /** Shapes of datasets "0", "1", ... */
  shapes: number[][];
  dtypes: string[];
}

interface ReadDataset {
  shape: number[];
  dtype: string;
  read(): Float32Array;
}
interface ReadGroup {
  name: string | null;
  datasets: Map<string, ReadDataset>;
}

/** Every `vars` group of the file by path (without `/vars`), walking groups only, refusing links. */
function collectGroups(file: H5File, h5wasm: H5, fileName: string): Map<string, ReadGroup> {
  const groups = new Map<string, ReadGroup>();
  const walk = (group: H5Group, path: string, depth: number) => {
    if (depth > 64) throw new KerasWeightsError(fileName, `groups nest deeper than 64 levels at "${path}"`);
    for (const key of group.keys()) {
      const child = group.get(key);
      const childPath = path ? `${path}/${key}` : key;
      if (child instanceof h5wasm.Group) {
        if (key === 'vars') groups.set(path, readGroup(child, h5wasm, fileName, childPath));
        else walk(child, childPath, depth + 1);
      } else if (!(child instanceof h5wasm.Dataset)) {
        throw new KerasWeightsError(fileName, `"${childPath}" is a link or an object of another kind; a Keras weight file holds only groups and datasets`);
      }
    }
  };
  walk(file, '', 0);
  return groups;
}

function readGroup(group: H5Group, h5wasm: H5, fileName: string, path: string): ReadGroup {
  const datasets = new Map<string, ReadDataset>();
  for (const key of group.keys()) {
    const child = group.get(key);
    if (!(child instanceof h5wasm.Dataset)) {
      throw new KerasWeightsError(fileName, `"${path}/${key}" is not a dataset (a link or a group where Keras writes variables)`);
    }
    const dataset: H5Dataset = child;
    const dtype = dtypeOf(dataset);
    datasets.set(key, {
      shape: dataset.shape ?? [],
      dtype,
      read: () => {
        const value = dataset.value;
        if (value instanceof Float32Array) return value;
        if (value instanceof Float64Array) return Float32Array.from(value);
        throw new KerasWeightsError(fileName, `"${path}/${key}" holds ${dtype} values, not floats`);
      },
    });
  }
  const nameAttr = group.attrs.name;
  return { name: nameAttr ? String(nameAttr.value) : null, datasets };
}

/** "float32", "float64", Keras's "bfloat16" marker, or a description of another HDF5 type. */
function dtypeOf(dataset: H5Dataset): string {
  const marker = dataset.attrs.dtype;
  if (marker) return String(marker.value);
  const { type, size, littleEndian } = dataset.metadata;
  const order = littleEndian ? '' : ' (big-endian)';
  if (type === 1) return `float${size * 8}${order}`;
  if (type === 0) return `int${size * 8}${order}`;
  return `HDF5 type class ${type}`;
}

/**
 * Checks the HDF5 signature and, from the superblock, that the file is whole: a truncated download
 * gets a message of its own instead of the library's.
 */
function openForReading(bytes: Uint8Array, fileName: string): void {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b)) {
    throw new KerasWeightsError(fileName, 'is not an HDF5 file (no HDF5 signature); a Keras weight file ends in .weights.h5 and is written by model.save_weights()');
  }
  const end = endOfFileAddress(bytes);
  if (end !== null && end > bytes.length) {
    throw new KerasWeightsError(fileName, `is truncated: ${bytes.length} bytes of the ${end} its header announces. Download or copy it again`);
  }
}

/** The superblock's "end of file address" (HDF5 file format spec, superblock versions 0-3), or null. */
function endOfFileAddress(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[8];
  let offsetSize: number | undefined;
  let at: number;
  if (version === 0 || version === 1) {
    offsetSize = bytes[13];
    at = 24 + (version === 1 ? 4 : 0); // after K values, flags (and v1's indexed storage K)
    at += 2 * (offsetSize ?? 0); // base address, free-space info address
  } else if (version === 2 || version === 3) {
    offsetSize = bytes[9];
    at = 12 + 2 * (offsetSize ?? 0); // base address, superblock extension address
  } else {
    return null;
  }
  if (offsetSize !== 8 || at + 8 > bytes.length) return null;
  const value = view.getBigUint64(at, true);
  return value === 0xffffffffffffffffn ? null : Number(value);
}

/** Lists a weight file's variable groups (paths, names, shapes), like `h5ls -r`, without a model. */
export async function describeKerasWeights(bytes: Uint8Array, fileName = 'weights.h5'): Promise<KerasWeightsGroup[]> {
  openForReading(bytes, fileName);
  const { h5wasm } = await loadH5();
  const { result } = await withMemoryFile(bytes, 'r', fileName, (file) =>
    [...collectGroups(file, h5wasm, fileName)].map(([path, group]) => ({
      path,
      name: group.name,
      shapes: [...group.datasets.values()].map((d) => d.shape),
      dtypes: [...group.datasets.values()].map((d) => d.dtype),
    })),
  );
  return result;
}

export interface LoadKerasWeightsOptions {
  /** Name of the file in messages. Default "weights.h5". */
  fileName?: string;
  /** Layers to check but leave as they are (e.g. frozen layers shared with a base). Default none. */
  skip?: (layer: Layer) => boolean;
}

export interface LoadedKerasWeights {
  /** Layers whose weights were set (layers without weights not counted). */
  layers: number;
  /** Values set, summed over all weights. */
  values: number;
  /** Variable groups of the file that the model has no place for (e.g. "optimizer"). */
  ignored: string[];
}

const describeLayer = (entry: KerasEntry) => `layer "${entry.name}" (${entry.className}, "${entry.path}" in the file)`;
const shapeText = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/** Finds a layer's group, with Keras 2.13's `_layer_checkpoint_dependencies` spelling as fallback. */
function groupFor(groups: Map<string, ReadGroup>, path: string): ReadGroup | undefined {
  return groups.get(path) ?? groups.get(path.replaceAll('layers', '_layer_checkpoint_dependencies'));
}

/**
 * Sets the layout's weights from a Keras `.weights.h5` file. Checks every layer first and changes
 * nothing when one does not fit: the error names it.
 */
export async function loadKerasWeights(layout: KerasModelLayout, bytes: Uint8Array, options: LoadKerasWeightsOptions = {}): Promise<LoadedKerasWeights> {
  const fileName = options.fileName ?? 'weights.h5';
  openForReading(bytes, fileName);
  const { h5wasm } = await loadH5();
  const entries = kerasEntries(layout);
  const { result: planned } = await withMemoryFile(bytes, 'r', fileName, (file) => {
    const groups = collectGroups(file, h5wasm, fileName);
    if (groups.size === 0) throw new KerasWeightsError(fileName, 'has no "vars" groups: it is not a Keras 3 weight file (Keras 2 .h5 files are not supported)');
    const used = new Set<ReadGroup>();
    const plan: { entry: KerasEntry; group: ReadGroup | null }[] = [];
    for (const entry of entries) {
      const group = groupFor(groups, entry.path);
      if (group) used.add(group);
      if (entry.layer === null) continue;
      const found = group ? group.datasets.size : 0;
      const called = group?.name && group.name !== entry.name ? ` (the file calls it "${group.name}")` : '';
      if (found !== entry.weights.length) {
        const where = group ? `has ${found} variables${called}` : 'is not in the file';
        throw new KerasWeightsError(fileName, `${describeLayer(entry)} ${where}; the model expects ${entry.weights.length}${missingHint(groups, entry.path)}`);
      }
      entry.weights.forEach((weight, i) => {
        const dataset = group!.datasets.get(String(i));
        if (!dataset) throw new KerasWeightsError(fileName, `${describeLayer(entry)}: variable "${i}" is missing (the group has ${[...group!.datasets.keys()].join(', ')})`);
        if (dataset.dtype !== 'float32' && dataset.dtype !== 'float64') {
          throw new KerasWeightsError(fileName, `${describeLayer(entry)}: variable ${i} (${weight.originalName}) is ${dataset.dtype}; float32 or float64 expected`);
        }
        const expected = weight.shape as number[];
        if (dataset.shape.length !== expected.length || dataset.shape.some((d, k) => d !== expected[k])) {
          throw new KerasWeightsError(fileName, `${describeLayer(entry)}: variable ${i} (${weight.originalName}) has shape ${shapeText(dataset.shape)} in the file${called}, the model expects ${shapeText(expected)}`);
        }
      });
      plan.push({ entry, group: group! });
    }
    const ignored = [...groups].filter(([, group]) => !used.has(group) && group.datasets.size > 0).map(([path]) => path);
    // Everything fits: read the values (still inside the open file).
    const values = plan.map(({ entry, group }) => (options.skip?.(entry.layer!) ? null : entry.weights.map((_, i) => group!.datasets.get(String(i))!.read())));
    return { plan, values, ignored };
  });
  let layers = 0;
  let count = 0;
  planned.plan.forEach(({ entry }, i) => {
    const values = planned.values[i];
    if (!values || values.length === 0) return;
    const tensors = entry.weights.map((weight, j) => tf.tensor(values[j]!, weight.shape as number[], 'float32'));
    try {
      entry.layer!.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
    layers++;
    count += values.reduce((sum, v) => sum + v.length, 0);
  });
  return { layers, values: count, ignored: planned.ignored };
}

/**
 * When a layer's group is missing: the first part of its path the file lacks, and what the file
 * holds at that level instead (a flat model's file, another architecture's, another head's).
 */
function missingHint(groups: Map<string, ReadGroup>, path: string): string {
  const parts = path.split('/');
  const paths = [...groups.keys()];
  for (let depth = parts.length - 1; depth >= 0; depth--) {
    const prefix = parts.slice(0, depth).join('/');
    const under = paths.filter((p) => depth === 0 || p === prefix || p.startsWith(`${prefix}/`));
    if (under.length === 0) continue;
    const siblings = [...new Set(under.map((p) => p.split('/').slice(0, depth + 1).join('/')).filter((p) => p !== '' && p.split('/').length === depth + 1))];
    const missing = parts.slice(0, depth + 1).join('/');
    const shown = siblings.slice(0, 4).map((p) => `"${p}"`).join(', ');
    return `. The file has no "${missing}"${siblings.length ? `; beside it: ${shown}${siblings.length > 4 ? `, … (${siblings.length} in all)` : ''}` : ''}`;
  }
  return '';
}
