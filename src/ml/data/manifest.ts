/**
 * The on-disk format of the offline Fashion-MNIST shards made by `npm run data`
 * (scripts/make-data.ts) and read by the loader, in Node and in the browser.
 *
 * Each task's split is stored in order, in files of IMAGES_PER_FILE images (the last one may hold
 * fewer), `<task>-<split>-<index>.bin` (index from 000): each file holds its `count` images of
 * 28×28 uint8 pixels, row-major, back to back, then its `count` uint8 labels (indices into the
 * task's `classes`). Images are stored at their native size so the input size can change
 * without regenerating the data; the loader resizes.
 *
 * Why files of 500 images rather than one file per split read with HTTP Range requests: the
 * lesson needs the first 1,000 training and 500 validation images, and plain files work on every
 * static host and in every cache, while Range support varies (Python's http.server and some CDNs'
 * caches answer 200 with the whole file) and a partial read cannot be checked against a checksum
 * of the whole file. Files of 500 images (392.5 kB) keep the default run at three data files.
 */
import type { SplitName, Task } from './types.ts';

/** Bumped whenever the shard layout or the split procedure changes: older shards are stale. 3: files of 500 images. */
export const DATA_FORMAT_VERSION = 3;
/** Images per file (the last file of a split may hold fewer). */
export const IMAGES_PER_FILE = 500;
export const MANIFEST_FILE = 'manifest.json';
export const IMAGE_SIDE = 28;
export const IMAGE_BYTES = IMAGE_SIDE * IMAGE_SIDE;
export const DEFAULT_DATA_SEED = 8;
export const REGENERATE_HINT = 'Run `npm run data` to regenerate the Fashion-MNIST shards.';

/** Fashion-MNIST's label names, in label order. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/**
 * Fashion-MNIST labels of each task, in the task's class-index order. The target task is the
 * lesson's Trouser, Sneaker, Bag and Ankle boot; the source task (pretraining) is the other six
 * (the four tops, Dress, Sandal), so the pretrained base has never seen a target class.
 * public/models/MODEL.md says why this split: its features transfer, the four tops' do not.
 */
export const TASK_LABELS: Record<Task, readonly number[]> = {
  target: [1, 7, 8, 9],
  source: [0, 2, 3, 4, 5, 6],
};

export const TASKS: readonly Task[] = ['source', 'target'];
export const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];
/** Fractions of each class that go to each split, like the course's 70/20/10. */
export const SPLIT_FRACTIONS: Record<SplitName, number> = { train: 0.7, validation: 0.2, test: 0.1 };

/** One file of a split: its images, then their labels. */
export interface ShardFile {
  /** File name relative to the manifest, e.g. `target-train-000.bin`. */
  file: string;
  count: number;
  /** count × (IMAGE_BYTES + 1). */
  bytes: number;
  /** Lower-case hex SHA-256 of the whole file. */
  sha256: string;
}

/** One task's split: its images in order, across `files`. */
export interface ShardInfo {
  count: number;
  /** Images per class, in the task's class order. */
  perClass: number[];
  /** The split's images in order: the first file holds images 0 to its count - 1, and so on. */
  files: ShardFile[];
}

export interface TaskInfo {
  classes: string[];
  /** The Fashion-MNIST label of each class. */
  fashionMnistLabels: number[];
  splits: Record<SplitName, ShardInfo>;
}

export interface DataManifest {
  format: number;
  seed: number;
  imageSide: number;
  source: { package: string; version: string };
  /** Images left out of every split: empty records and exact duplicates (so no image is in two splits). */
  dropped: { malformed: number; duplicates: number };
  tasks: Record<Task, TaskInfo>;
}

/** Bad or missing data: the message names the file and says what to run. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}. ${REGENERATE_HINT}`);
  }
}

/** `target-train-000.bin`: the `index`th file of a task's split. */
export function shardFileName(task: Task, split: SplitName, index: number): string {
  return `${task}-${split}-${String(index).padStart(3, '0')}.bin`;
}

/** Matches every name shardFileName gives, and the single-file names of format 2 (`target-train.bin`). */
export const SHARD_FILE_PATTERN = /^(source|target)-(train|validation|test)(-\d{3})?\.bin$/;

function isShardFile(value: unknown): value is ShardFile {
  if (!value || typeof value !== 'object') return false;
  const { file, count, bytes, sha256 } = value as Partial<ShardFile>;
  return typeof file === 'string' && typeof count === 'number' && Number.isInteger(count) && count > 0
    && bytes === count * (IMAGE_BYTES + 1) && /^[0-9a-f]{64}$/.test(String(sha256));
}

/** Parses and checks a manifest's text; `file` names it in errors. */
export function parseManifest(text: string, file: string): DataManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DataError(file, `manifest does not parse as JSON (${(error as Error).message})`);
  }
  const m = raw as Partial<DataManifest> | null;
  if (!m || typeof m !== 'object' || typeof m.tasks !== 'object' || m.tasks === null) {
    throw new DataError(file, 'manifest has no "tasks" object');
  }
  if (m.format !== DATA_FORMAT_VERSION) {
    throw new DataError(file, `manifest format ${String(m.format)} is not the supported format ${DATA_FORMAT_VERSION}`);
  }
  if (m.imageSide !== IMAGE_SIDE) {
    throw new DataError(file, `manifest image side ${String(m.imageSide)} is not ${IMAGE_SIDE}`);
  }
  for (const task of TASKS) {
    const info = m.tasks[task];
    if (!info || !Array.isArray(info.classes) || typeof info.splits !== 'object' || info.splits === null) {
      throw new DataError(file, `manifest has no valid entry for task "${task}"`);
    }
    for (const split of SPLITS) {
      const shard = info.splits[split];
      const valid = shard && Number.isInteger(shard.count) && shard.count >= 0 && Array.isArray(shard.files)
        && shard.files.every(isShardFile) && shard.files.reduce((sum, f) => sum + f.count, 0) === shard.count;
      if (!valid) throw new DataError(file, `manifest entry for ${task}/${split} is incomplete or inconsistent`);
    }
  }
  return m as DataManifest;
}
