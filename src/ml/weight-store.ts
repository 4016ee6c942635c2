/**
 * Where checkpoints go: a small key-value store of weight files by path ("checkpoints/best.weights.h5"),
 * each with what the checkpoint knew when it was written (epoch, monitored value, logs).
 *
 * - `memoryWeightStore()`: in memory, anywhere (the default for headless runs: nothing on disk);
 * - `folderWeightStore(dir)`: files under `dir` (Node), with the info beside each as `<file>.json`;
 * - `indexedDbWeightStore()` (weight-store-indexeddb.ts): the browser's IndexedDB, so a checkpoint
 *   survives a reload, as a file on disk survives a Python process.
 *
 * Paths are relative, `/`-separated, without `..`: a lesson cannot write outside its store.
 */

/** What a checkpoint records beside its bytes. */
export interface CheckpointInfo {
  path: string;
  /** Epoch (from 1) whose weights the file holds. */
  epoch: number;
  /** The logged value watched ("val_loss"...) and its value at that epoch. */
  monitor: string;
  value: number;
  /** That epoch's logs (loss, accuracy, val_loss, val_accuracy). */
  logs: Record<string, number>;
  /** Size of the file in bytes. */
  bytes: number;
  /** When it was written (ms since 1970). */
  savedAt: number;
}

export interface StoredWeights {
  bytes: Uint8Array;
  info: CheckpointInfo;
}

export interface WeightStore {
  /** Writes (replaces) the file at `path`. */
  save(path: string, bytes: Uint8Array, info: CheckpointInfo): Promise<void>;
  /** The file at `path`, or null when there is none. */
  load(path: string): Promise<StoredWeights | null>;
  /** What is stored, by path. */
  list(): Promise<CheckpointInfo[]>;
  remove(path: string): Promise<void>;
}

/** Checks a checkpoint path: relative, `/`-separated parts, no `.` or `..`, a Keras weight file name. */
export function checkCheckpointPath(path: string): string {
  if (typeof path !== 'string' || path.trim() === '') throw new Error('checkpoint: filepath must be a file name such as "checkpoints/best_model.weights.h5"');
  const parts = path.split('/');
  if (path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || /[\\\0]/.test(p))) {
    throw new Error(`checkpoint: filepath "${path}" must be relative, without "..", such as "checkpoints/best_model.weights.h5"`);
  }
  if (!path.endsWith('.weights.h5')) {
    throw new Error(`checkpoint: filepath "${path}" must end in .weights.h5 (Keras's name for weights-only files: save_weights_only=True)`);
  }
  return path;
}

export function memoryWeightStore(): WeightStore {
  const files = new Map<string, StoredWeights>();
  return {
    async save(path, bytes, info) {
      files.set(checkCheckpointPath(path), { bytes: bytes.slice(), info: { ...info } });
    },
    async load(path) {
      const found = files.get(path);
      return found ? { bytes: found.bytes.slice(), info: { ...found.info } } : null;
    },
    async list() {
      return [...files.values()].map((f) => ({ ...f.info }));
    },
    async remove(path) {
      files.delete(path);
    },
  };
}

/** Files under `dir` (Node only; node:fs is imported on first use). */
export function folderWeightStore(dir: string): WeightStore {
  const fs = () => import('node:fs/promises');
  const join = async (path: string) => (await import('node:path')).join(dir, checkCheckpointPath(path));
  return {
    async save(path, bytes, info) {
      const { mkdir, rename, writeFile } = await fs();
      const { dirname } = await import('node:path');
      const file = await join(path);
      await mkdir(dirname(file), { recursive: true });
      // Through a temporary name: a reader never sees half a file.
      await writeFile(`${file}.tmp-${process.pid}`, bytes);
      await rename(`${file}.tmp-${process.pid}`, file);
      await writeFile(`${file}.json`, `${JSON.stringify(info)}\n`);
    },
    async load(path) {
      const { readFile } = await fs();
      const file = await join(path);
      try {
        const bytes = new Uint8Array(await readFile(file));
        const info = JSON.parse(await readFile(`${file}.json`, 'utf8').catch(() => 'null')) as CheckpointInfo | null;
        return { bytes, info: info ?? { path, epoch: 0, monitor: '', value: NaN, logs: {}, bytes: bytes.length, savedAt: 0 } };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async list() {
      const { readdir, readFile } = await fs();
      const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
      const infos: CheckpointInfo[] = [];
      for (const entry of entries.filter((e) => e.endsWith('.weights.h5.json'))) {
        infos.push(JSON.parse(await readFile((await import('node:path')).join(dir, entry), 'utf8')) as CheckpointInfo);
      }
      return infos;
    },
    async remove(path) {
      const { rm } = await fs();
      const file = await join(path);
      await rm(file, { force: true });
      await rm(`${file}.json`, { force: true });
    },
  };
}
