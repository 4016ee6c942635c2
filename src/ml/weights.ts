/**
 * The pretrained MobileNetV2 in the tfjs layers format (model.json + one weight shard), written
 * from Node without tfjs-node and read in Node (fs) or the browser (fetch).
 *
 * Loading rebuilds the architecture the metadata names from code (architectures.ts: MobileNetV2,
 * with Keras BatchNormalization semantics, or one a course registers) and fills it by weight name, after checking every name and shape against it, so a
 * file from another architecture or a corrupt shard fails with the layer or file it concerns.
 * Every file is checked against SHA256SUMS (written beside them, `sha256sum` format, so
 * `sha256sum -c SHA256SUMS` checks a copy by hand too): an edited model.json (a scale ×50 loads
 * as a plausible but wrong model) or an unlisted file is refused, never loaded silently.
 * Weights may be stored as float32, float16 or uint8 (affine, per tensor): tfjs's own
 * `quantization` field, so standard tfjs loaders read the files too.
 */
import * as tf from '@tensorflow/tfjs';
import { fetchReader, folderReader, type ByteReader } from './data/bytes.ts';
import { sha256Hex } from './data/checksum.ts';
import { architectureNamed, architectureNames } from './architectures.ts';

export type Quantization = 'float32' | 'float16' | 'uint8';
export const MODEL_JSON = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
/** The SHA-256 of model.json and of every shard, one `<hex>  <file>` line each. */
export const SUMS_FILE = 'SHA256SUMS';
/** Where the shipped model lives, relative to the project root (Node) or the site root (browser). */
export const PRETRAINED_DIR = 'public/models/pretrained';
// Relative to the page, so the static build works under any sub-path.
export const PRETRAINED_URL = 'models/pretrained/';
const RESTORE_HINT = 'Restore public/models/pretrained from the repository, or run `npm run pretrain` to make it again.';

/** A file of a saved model that is missing, corrupt or does not fit the architecture. */
export class WeightsError extends Error {
  override name = 'WeightsError';
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}. ${RESTORE_HINT}`);
  }
}

/** What Lectern records about a pretrained model in model.json's userDefinedMetadata. */
export interface PretrainedMetadata {
  /** A registered architecture (architectures.ts), e.g. "MobileNetV2". */
  architecture: string;
  /** MobileNetV2's width multiplier (other architectures leave it out). */
  alpha?: number;
  /** Side of the square inputs it was trained on. */
  inputSize: number;
  /** Class names of the `predictions` head, in index order. */
  classes: string[];
  quantization: Quantization;
  /** SHA-256 of each weight shard, by file name. */
  sha256: Record<string, string>;
  /** Free-form facts (data, epochs, accuracy...). */
  training?: Record<string, unknown>;
}

interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata: { lectern: PretrainedMetadata };
}

export interface EncodedModel {
  /** model.json's text. */
  modelJson: string;
  /** The weight shard (WEIGHTS_FILE). */
  weights: Uint8Array;
  /** SUMS_FILE's text: the SHA-256 of model.json and of the shard. */
  sums: string;
  /** All three by file name, as loadPretrained's reader reads them. */
  files: ReadonlyMap<string, Uint8Array>;
}

// ---- Encoding ----------------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half precision, round to nearest even (what tfjs's float16 decoder expects). */
export function toFloat16(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → ±0
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

function quantize(name: string, shape: number[], values: Float32Array, quantization: Quantization): { spec: tf.io.WeightsManifestEntry; bytes: Uint8Array } {
  if (quantization === 'float32') {
    return { spec: { name, shape, dtype: 'float32' }, bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
  }
  if (quantization === 'float16') {
    const halves = Uint16Array.from(values, toFloat16);
    return { spec: { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } }, bytes: new Uint8Array(halves.buffer) };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
  if (values.length === 0) { min = 0; max = 0; }
  const scale = max > min ? (max - min) / 255 : 1;
  const bytes = Uint8Array.from(values, (v) => Math.round((v - min) / scale));
  return { spec: { name, shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } }, bytes };
}

export interface EncodeModelArgs {
  /** Storage precision of the weights. Default 'float16'. */
  quantization?: Quantization;
  /** Facts to record; `quantization` and `sha256` are filled in. */
  metadata: Omit<PretrainedMetadata, 'quantization' | 'sha256'>;
}

/** Serialises a model to model.json + one weight shard (tfjs layers format). */
export async function encodeModel(model: tf.LayersModel, { quantization = 'float16', metadata }: EncodeModelArgs): Promise<EncodedModel> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const weight of model.weights) {
    const values = (await weight.read().data()) as Float32Array;
    const { spec, bytes } = quantize(weight.originalName, weight.shape as number[], values, quantization);
    specs.push(spec);
    parts.push(bytes);
  }
  const weights = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) { weights.set(p, offset); offset += p.length; }
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: 'Lectern weights.ts',
    modelTopology: model.toJSON(null, false),
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
    userDefinedMetadata: { lectern: { ...metadata, quantization, sha256: { [WEIGHTS_FILE]: await sha256Hex(weights) } } },
  };
  const modelJson = `${JSON.stringify(json)}\n`;
  const jsonBytes = new TextEncoder().encode(modelJson);
  const sums = formatSums({ [MODEL_JSON]: await sha256Hex(jsonBytes), [WEIGHTS_FILE]: await sha256Hex(weights) });
  const files = new Map([[MODEL_JSON, jsonBytes], [WEIGHTS_FILE, weights], [SUMS_FILE, new TextEncoder().encode(sums)]]);
  return { modelJson, weights, sums, files };
}

/** `sha256sum`'s format: "<64 hex digits><two spaces><file name>" per line. */
export function formatSums(sums: Record<string, string>): string {
  return Object.entries(sums).map(([file, hex]) => `${hex}  ${file}\n`).join('');
}

/** Reads SUMS_FILE's lines (text or binary mode of `sha256sum`); a line it cannot read is an error. */
export function parseSums(text: string, file: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.replace(/\r$/, ''));
    if (!match) throw new WeightsError(file, `line ${i + 1} is not "<sha256>  <file>"`);
    sums.set(match[2]!, match[1]!.toLowerCase());
  });
  return sums;
}

/** Writes model.json, the shard and SHA256SUMS into `dir` (Node). Returns the model's files with their SHA-256. */
export async function saveModel(model: tf.LayersModel, dir: string, args: EncodeModelArgs): Promise<{ file: string; bytes: number; sha256: string }[]> {
  const { mkdir, writeFile, rename } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { files } = await encodeModel(model, args);
  await mkdir(dir, { recursive: true });
  const written = [];
  // SHA256SUMS last: a folder left half-written by a crash fails its check instead of loading.
  for (const file of [WEIGHTS_FILE, MODEL_JSON, SUMS_FILE]) {
    const bytes = files.get(file)!;
    const temporary = join(dir, `${file}.tmp-${process.pid}`);
    await writeFile(temporary, bytes);
    await rename(temporary, join(dir, file)); // never a half-written file under the real name
    if (file !== SUMS_FILE) written.push({ file, bytes: bytes.length, sha256: await sha256Hex(bytes) });
  }
  return written;
}

// ---- Loading -----------------------------------------------------------------------------

export interface LoadPretrainedArgs {
  /** Folder with model.json (Node). Default: public/models/pretrained in Node. */
  dir?: string;
  /** URL of the folder (browser). Default: models/pretrained/, relative to the page. */
  baseUrl?: string;
  /** A custom reader. Default: from dir / baseUrl. */
  reader?: ByteReader;
  /** Keep the source-task head (GlobalAveragePooling2D + Dense `predictions`). Default true. */
  includeTop?: boolean;
  /** Input side of the rebuilt model; convolution weights fit any size ≥ 32. Default: the size it was trained on. */
  inputSize?: number;
}

export interface LoadedModel {
  model: tf.LayersModel;
  metadata: PretrainedMetadata;
}

function weightsReader({ dir, baseUrl, reader }: LoadPretrainedArgs): ByteReader {
  if (reader) return reader;
  const readError = (location: string, problem: string) => new WeightsError(location, problem);
  if (dir !== undefined) return folderReader(dir, readError);
  if (baseUrl !== undefined) return fetchReader(baseUrl, globalThis.fetch, readError);
  const inNode = typeof globalThis.process !== 'undefined' && Boolean(globalThis.process.versions?.node) && typeof window === 'undefined';
  return inNode ? folderReader(PRETRAINED_DIR, readError) : fetchReader(PRETRAINED_URL, globalThis.fetch, readError);
}

function parseModelJson(text: string, file: string): ModelJson {
  let json: Partial<ModelJson>;
  try {
    json = JSON.parse(text) as Partial<ModelJson>;
  } catch (error) {
    throw new WeightsError(file, `does not parse as JSON (${(error as Error).message})`);
  }
  const metadata = json.userDefinedMetadata?.lectern;
  if (json.format !== 'layers-model' || !Array.isArray(json.weightsManifest) || json.weightsManifest.length === 0) {
    throw new WeightsError(file, 'is not a tfjs layers model (no format "layers-model" or no weightsManifest)');
  }
  if (!metadata || typeof metadata.architecture !== 'string' || !Number.isInteger(metadata.inputSize) || !Array.isArray(metadata.classes)) {
    throw new WeightsError(file, 'has no Lectern metadata (userDefinedMetadata.lectern with architecture, inputSize, classes)');
  }
  if (!architectureNamed(metadata.architecture)) {
    throw new WeightsError(file, `is a "${metadata.architecture}", an architecture Lectern cannot build (it knows ${architectureNames().map((n) => `"${n}"`).join(', ')}; a course adds one with registerArchitecture)`);
  }
  return json as ModelJson;
}

function byteSize(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const perValue = spec.quantization ? { uint8: 1, uint16: 2, float16: 2 }[spec.quantization.dtype] ?? 4 : 4;
  return count * perValue;
}

/** Checks that the saved weights are exactly the architecture's (by name and shape); names the layer otherwise. */
export function checkWeightsAgainst(model: tf.LayersModel, specs: tf.io.WeightsManifestEntry[], file: string, ignore: (name: string) => boolean = () => false): void {
  const saved = new Map(specs.map((spec) => [spec.name, spec]));
  const expected = new Set<string>();
  for (const layer of model.layers) {
    for (const weight of layer.weights) {
      const name = weight.originalName;
      expected.add(name);
      const spec = saved.get(name);
      if (!spec) throw new WeightsError(file, `layer "${layer.name}": weight "${name}" is missing`);
      if (spec.dtype !== 'float32') throw new WeightsError(file, `layer "${layer.name}": weight "${name}" has dtype ${spec.dtype}, expected float32`);
      if (spec.shape.length !== weight.shape.length || spec.shape.some((d, i) => d !== weight.shape[i])) {
        throw new WeightsError(file, `layer "${layer.name}": weight "${name}" has shape [${spec.shape.join(', ')}], the architecture expects [${weight.shape.join(', ')}]`);
      }
    }
  }
  const extra = specs.filter((spec) => !expected.has(spec.name) && !ignore(spec.name));
  if (extra.length > 0) {
    throw new WeightsError(file, `weight "${extra[0]!.name}" (layer "${extra[0]!.name.split('/')[0]}") is not in the architecture${extra.length > 1 ? ` (and ${extra.length - 1} more)` : ''}`);
  }
}

/**
 * Loads a saved model (Node: folder, browser: fetch; default: the pretrained MobileNetV2), rebuilt
 * as the architecture its metadata names (architectures.ts) and checked against it. With
 * includeTop false, the base alone (MobileNetV2: 154 layers, output `out_relu`).
 */
export async function loadPretrained(args: LoadPretrainedArgs = {}): Promise<LoadedModel> {
  const reader = weightsReader(args);
  const jsonFile = reader.location(MODEL_JSON);
  const jsonBytes = await reader.read(MODEL_JSON);
  const sums = parseSums(new TextDecoder().decode(await readSums(reader)), reader.location(SUMS_FILE));
  await checkSum(sums, MODEL_JSON, jsonBytes, reader);
  const json = parseModelJson(new TextDecoder().decode(jsonBytes), jsonFile);
  const metadata = json.userDefinedMetadata.lectern;
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const includeTop = args.includeTop ?? true;
  const inputSize = args.inputSize ?? metadata.inputSize;
  const architecture = architectureNamed(metadata.architecture)!;
  const isHead = (name: string) => architecture.isTop(name);
  // Building the model makes tensors: wait for a backend switch another cell may have started.
  await tf.ready();

  const shards: Uint8Array[] = [];
  for (const path of json.weightsManifest.flatMap((group) => group.paths)) {
    const expected = metadata.sha256?.[path];
    // A shard without a recorded hash could be anything: refuse it rather than skip the check.
    if (typeof expected !== 'string') throw new WeightsError(jsonFile, `records no SHA-256 for the shard "${path}" (userDefinedMetadata.lectern.sha256)`);
    const bytes = await reader.read(path);
    if (await sha256Hex(bytes) !== expected) {
      throw new WeightsError(reader.location(path), `checksum does not match ${MODEL_JSON} (${bytes.length} bytes; corrupt or truncated)`);
    }
    await checkSum(sums, path, bytes, reader);
    shards.push(bytes);
  }
  const data = new Uint8Array(shards.reduce((sum, s) => sum + s.length, 0));
  let offset = 0;
  for (const s of shards) { data.set(s, offset); offset += s.length; }
  const needed = specs.reduce((sum, spec) => sum + byteSize(spec), 0);
  if (data.length !== needed) {
    throw new WeightsError(reader.location(json.weightsManifest[0]!.paths[0] ?? WEIGHTS_FILE), `weights have ${data.length} bytes, ${MODEL_JSON} describes ${needed} (truncated or from another model)`);
  }

  const model = architecture.build({ metadata, inputSize, includeTop }); // every weight is set below
  try {
    checkWeightsAgainst(model, specs, jsonFile, includeTop ? () => false : isHead);
    const wanted = includeTop ? specs : specs.filter((spec) => !isHead(spec.name));
    // Decode only what the model needs: slice each wanted weight's bytes out of the shard.
    const starts = new Map<string, number>();
    let position = 0;
    for (const spec of specs) { starts.set(spec.name, position); position += byteSize(spec); }
    const tensors = tf.io.decodeWeights(
      concat(wanted.map((spec) => data.subarray(starts.get(spec.name)!, starts.get(spec.name)! + byteSize(spec)))),
      wanted,
    );
    try {
      for (const layer of model.layers) {
        if (layer.weights.length > 0) layer.setWeights(layer.weights.map((w) => tensors[w.originalName]!));
      }
    } finally {
      tf.dispose(tensors);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, metadata };
}

async function readSums(reader: ByteReader): Promise<Uint8Array> {
  try {
    return await reader.read(SUMS_FILE);
  } catch (error) {
    // Models saved before Lectern wrote SHA256SUMS lack it: say how to add one for files you trust.
    throw new WeightsError(reader.location(SUMS_FILE), `cannot be read (${error instanceof WeightsError ? error.problem : error instanceof Error ? error.message : String(error)}); ` +
      `Lectern loads no model without the SHA-256 of its files. For files you made yourself and trust, write it with \`sha256sum ${MODEL_JSON} ${WEIGHTS_FILE} > ${SUMS_FILE}\` in their folder`);
  }
}

/** Checks `file`'s bytes against its line in SHA256SUMS; a file it does not list is refused. */
async function checkSum(sums: ReadonlyMap<string, string>, file: string, bytes: Uint8Array, reader: ByteReader): Promise<void> {
  const expected = sums.get(file);
  if (expected === undefined) throw new WeightsError(reader.location(SUMS_FILE), `lists no SHA-256 for ${file}`);
  if (await sha256Hex(bytes) !== expected) {
    throw new WeightsError(reader.location(file), `SHA-256 does not match ${SUMS_FILE} (the file was edited, is corrupt, or comes from another model)`);
  }
}

function concat(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out.buffer;
}

/** The pretrained base alone (no head), e.g. for the lesson: `loadPretrainedBase({baseUrl: '/models/pretrained/'})`. */
export async function loadPretrainedBase(args: Omit<LoadPretrainedArgs, 'includeTop'> = {}): Promise<tf.LayersModel> {
  return (await loadPretrained({ ...args, includeTop: false })).model;
}
