/**
 * The dataset interface for browser and Node: reads a task's split from the shards made by
 * `npm run data`, checks it against the manifest (size, SHA-256, labels), and turns it into
 * MobileNetV2 input: resized to the chosen side, 3 channels, scaled once to [-1, 1]
 * (x / 127.5 - 1, as keras.applications.mobilenet_v2.preprocess_input).
 */
import * as tf from '@tensorflow/tfjs';
import { fetchReader, folderReader, type ByteReader } from './bytes.ts';
import { sha256Hex } from './checksum.ts';
import { DataError, IMAGE_BYTES, IMAGE_SIDE, MANIFEST_FILE, parseManifest, type DataManifest, type ShardFile } from './manifest.ts';
import type { LabeledImages, SplitName, Task } from './types.ts';

/** Where the data lives. Give at most one of `dir`, `baseUrl`, `reader`. */
export interface DataLocationArgs {
  /** Data folder, read with node:fs (Node). Default: `public/data` in Node. */
  dir?: string;
  /** Base URL, read with fetch (browser). Default: `data/`, relative to the page (public/ is served at the site root). */
  baseUrl?: string;
  /** A custom reader (tests, other hosts). Default: from `dir` / `baseUrl` as above. */
  reader?: ByteReader;
}

/** One split as stored (or its first `limit` images): uint8 pixels and labels, checked against the manifest. Shared, do not mutate. */
export interface RawSplit {
  task: Task;
  split: SplitName;
  /** count × 28 × 28 pixels 0..255, row-major. */
  images: Uint8Array;
  /** count labels, indices into `classes`. */
  labels: Uint8Array;
  count: number;
  classes: string[];
}

export interface LoadRawSplitArgs extends DataLocationArgs {
  task: Task;
  split: SplitName;
  /**
   * Only the first `limit` images (splits are stored shuffled, so this is a random sample): only
   * the files that hold them are read. Default: all.
   */
  limit?: number;
}

export interface ToImagesArgs {
  /** Side of the square images the model gets. Default 32 (the smallest MobileNetV2 accepts). */
  size?: number;
  /** First image (inclusive). Default 0. */
  start?: number;
  /** Last image (exclusive). Default the split's count. */
  end?: number;
}

export interface LoadSplitArgs extends LoadRawSplitArgs {
  /** Side of the square images the model gets. Default 32. */
  size?: number;
}

export const DEFAULT_INPUT_SIZE = 32;

function isNode(): boolean {
  return typeof globalThis.process !== 'undefined' && Boolean(globalThis.process.versions?.node) && typeof window === 'undefined';
}

/** The reader the location arguments describe. */
export function dataReader({ dir, baseUrl, reader }: DataLocationArgs = {}): ByteReader {
  if ([dir, baseUrl, reader].filter((v) => v !== undefined).length > 1) {
    throw new Error('data: give at most one of dir, baseUrl and reader');
  }
  if (reader) return reader;
  if (dir !== undefined) return folderReader(dir);
  if (baseUrl !== undefined) return fetchReader(baseUrl);
  // Relative to the page, so the static build works under any sub-path.
  return isNode() ? folderReader('public/data') : fetchReader('data/');
}

export async function loadManifest(location: DataLocationArgs = {}): Promise<DataManifest> {
  const reader = dataReader(location);
  const bytes = await reader.read(MANIFEST_FILE);
  return parseManifest(new TextDecoder().decode(bytes), reader.location(MANIFEST_FILE));
}

// Verified files, by location and checksum: the lesson re-runs fine-tuning often and should
// neither re-download nor re-hash the same file.
const verified = new Map<string, Promise<Uint8Array>>();

/** Forgets cached files (e.g. after regenerating the data in the same process). */
export function clearDataCache(): void {
  verified.clear();
}

async function readVerifiedFile(reader: ByteReader, info: ShardFile, classes: number): Promise<Uint8Array> {
  const where = reader.location(info.file);
  const bytes = await reader.read(info.file);
  if (bytes.length !== info.bytes) {
    throw new DataError(where, `has ${bytes.length} bytes, the manifest says ${info.bytes} (truncated or from another run)`);
  }
  if (await sha256Hex(bytes) !== info.sha256) {
    throw new DataError(where, 'checksum does not match the manifest (corrupt or from another run)');
  }
  const labels = bytes.subarray(info.count * IMAGE_BYTES);
  const bad = labels.findIndex((label) => label >= classes);
  if (bad >= 0) throw new DataError(where, `image ${bad} has label ${labels[bad]}, but the task has ${classes} classes`);
  return bytes;
}

function verifiedFile(reader: ByteReader, info: ShardFile, classes: number): Promise<Uint8Array> {
  const key = `${reader.location(info.file)}#${info.sha256}`;
  let pending = verified.get(key);
  if (!pending) {
    pending = readVerifiedFile(reader, info, classes);
    verified.set(key, pending);
    pending.catch(() => verified.delete(key)); // a failure is not cached: fixing the file and retrying works
  }
  return pending;
}

/** Reads and checks one split's uint8 files (each cached per location and checksum), or only those its first `limit` images need. */
export async function loadRawSplit({ task, split, limit, ...location }: LoadRawSplitArgs): Promise<RawSplit> {
  checkLimit(limit);
  const reader = dataReader(location);
  const manifest = await loadManifest({ reader });
  const info = manifest.tasks[task]?.splits[split];
  if (!info) throw new Error(`data: unknown task/split "${task}/${split}"`);
  const classes = manifest.tasks[task].classes;
  const count = Math.min(limit ?? info.count, info.count);
  const needed: ShardFile[] = [];
  let held = 0;
  for (const file of info.files) {
    if (held >= count) break;
    needed.push(file);
    held += file.count;
  }
  const files = await Promise.all(needed.map((file) => verifiedFile(reader, file, classes.length)));
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let at = 0;
  files.forEach((bytes, i) => {
    const n = Math.min(needed[i]!.count, count - at);
    images.set(bytes.subarray(0, n * IMAGE_BYTES), at * IMAGE_BYTES);
    labels.set(bytes.subarray(needed[i]!.count * IMAGE_BYTES, needed[i]!.count * IMAGE_BYTES + n), at);
    at += n;
  });
  return { task, split, images, labels, count, classes: [...classes] };
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new Error(`data: limit must be a positive integer, got ${limit}`);
  }
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new Error(`data: size must be a positive integer, got ${size}`);
}

/**
 * Images [start, end) of a raw split as model input: [n, size, size, 3] float32 in [-1, 1]
 * and int32 labels. The caller owns (and disposes) the tensors.
 */
export function toLabeledImages(raw: RawSplit, { size = DEFAULT_INPUT_SIZE, start = 0, end = raw.count }: ToImagesArgs = {}): LabeledImages {
  checkSize(size);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > raw.count || start > end) {
    throw new Error(`data: image range [${start}, ${end}) is outside ${raw.task}/${raw.split}'s ${raw.count} images`);
  }
  const n = end - start;
  const pixels = raw.images.subarray(start * IMAGE_BYTES, end * IMAGE_BYTES);
  // Scale once, here: preprocess_input's x / 127.5 - 1. Bilinear resizing is linear, so
  // scaling before resizing gives the same values as after.
  const scaled = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) scaled[i] = pixels[i]! / 127.5 - 1;
  const x = tf.tidy(() => {
    const gray = tf.tensor4d(scaled, [n, IMAGE_SIDE, IMAGE_SIDE, 1]);
    // halfPixelCenters matches TF 2's tf.image.resize (and Keras's Resizing layer).
    const resized = size === IMAGE_SIDE ? gray : tf.image.resizeBilinear(gray, [size, size], false, true);
    return tf.tile(resized, [1, 1, 1, 3]) as tf.Tensor4D;
  });
  const y = tf.tensor1d(Int32Array.from(raw.labels.subarray(start, end)), 'int32');
  return { x, y, classes: [...raw.classes] };
}

/**
 * A task's split as model input, e.g. `loadSplit({task: 'target', split: 'train', size: 32, limit: 600})`.
 * Missing, truncated or corrupt data throws a DataError naming the file and `npm run data`.
 */
export async function loadSplit({ size = DEFAULT_INPUT_SIZE, ...rest }: LoadSplitArgs): Promise<LabeledImages> {
  checkSize(size);
  const raw = await loadRawSplit(rest);
  // Another cell may be switching the backend (selectBackend) while the files load: tensors made
  // before its asynchronous start fail with "Backend 'wasm' has not yet been initialized".
  await tf.ready();
  return toLabeledImages(raw, { size });
}
