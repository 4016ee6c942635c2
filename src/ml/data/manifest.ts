/**
 * The on-disk format of the offline Fashion-MNIST shards made by `npm run data`
 * (scripts/make-data.ts) and read by the loader, in Node and in the browser.
 *
 * One shard per task and split, `<task>-<split>.bin`: `count` images of 28×28 uint8
 * pixels, row-major, back to back, then `count` uint8 labels (indices into the task's
 * `classes`). Images are stored at their native size so the input size can change
 * without regenerating the data; the loader resizes.
 */
import type { SplitName, Task } from './types.ts';

/** Bumped whenever the shard layout or the split procedure changes: older shards are stale. */
export const DATA_FORMAT_VERSION = 2;
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

export interface ShardInfo {
  /** File name relative to the manifest, e.g. `target-train.bin`. */
  file: string;
  count: number;
  /** count × (IMAGE_BYTES + 1). */
  bytes: number;
  /** Lower-case hex SHA-256 of the whole file. */
  sha256: string;
  /** Images per class, in the task's class order. */
  perClass: number[];
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

export function shardFileName(task: Task, split: SplitName): string {
  return `${task}-${split}.bin`;
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
      const valid = shard && typeof shard.file === 'string' && Number.isInteger(shard.count) && shard.count >= 0
        && shard.bytes === shard.count * (IMAGE_BYTES + 1) && /^[0-9a-f]{64}$/.test(String(shard.sha256));
      if (!valid) throw new DataError(file, `manifest entry for ${task}/${split} is incomplete or inconsistent`);
    }
  }
  return m as DataManifest;
}
