/**
 * The feature cache: the values of a frozen model's boundary tensors (model-cut.ts) for a set of
 * images, computed once and reused.
 *
 * Below the first trainable layer everything is frozen and runs in inference mode (Keras
 * BatchNormalization semantics), so the boundary values of an image never change while the base
 * weights stay the same. A fine-tuning run therefore trains only the top on cached features; a new
 * dropout, epoch count or seed reuses them. An entry is keyed by
 * (base model, the identity of its weight values, cut, images); the input size is the images'.
 * A deeper cut (more frozen layers) is derived from the cached entry with the largest shallower
 * cut, running only the layers in between.
 *
 * Memory: entries are kept while their total size stays within `maxBytes`. When an insertion goes
 * over, the least recently used entries that no run is using are disposed until the total fits.
 * Entries in use (leased) are never evicted: if they alone exceed the bound the cache holds them
 * over it until they are released, then evicts down to the bound.
 * The cache owns every tensor it hands out; a lease's tensors stay valid until `release()`.
 */
import * as tf from '@tensorflow/tfjs';
import { nextMacrotask, pause, throwIfAborted } from './event-loop.ts';
import { boundaryAt, runLayers, type ModelCut } from './model-cut.ts';

export interface FeatureCacheArgs {
  /** Upper bound on the bytes of cached features. Default 256 MiB (`DEFAULT_FEATURE_CACHE_BYTES`). */
  maxBytes?: number;
  /**
   * Images per forward pass when computing features; the page gets the event loop between passes.
   * Default 16 (≈30–50 ms of MobileNetV2 at 32×32 on one core, so a slider stays responsive).
   */
  batchSize?: number;
}

export const DEFAULT_FEATURE_CACHE_BYTES = 256 * 1024 * 1024;

/** Features of some images at a cut, borrowed from the cache until `release()`. */
export interface FeatureLease {
  /** One tensor per boundary tensor of the cut, first dimension the images. Owned by the cache. */
  features: tf.Tensor[];
  /** How they were obtained: found as is, derived from a shallower cut, or computed from the images. */
  source: 'hit' | 'derived' | 'computed';
  release(): void;
}

export interface FeatureCacheStats {
  hits: number;
  derived: number;
  computed: number;
  evicted: number;
}

export interface FeatureCache {
  /**
   * Features of `images` at `cut`, from the cache or computed now (yielding to the event loop
   * between batches; rejects with an AbortError if `signal` fires meanwhile).
   */
  acquire(cut: ModelCut, images: tf.Tensor, signal?: AbortSignal): Promise<FeatureLease>;
  /** Bytes of features held now. */
  readonly bytes: number;
  /** Number of entries held now. */
  readonly size: number;
  readonly stats: Readonly<FeatureCacheStats>;
  /** Disposes every entry not in use. */
  clear(): void;
  /**
   * Disposes the entries made from `source` (a base model, or an images tensor), now or, for one
   * in use, when its lease is released: they can never be hit again once their model or images are
   * gone (a cell re-ran, the backend changed), and would otherwise hold their memory until evicted.
   */
  forget(source: tf.LayersModel | tf.Tensor): void;
}

interface Entry {
  modelKey: string;
  /** Identity of the model alone (modelKey without its weights), for forget(). */
  modelId: number;
  imagesId: number;
  frozenCount: number;
  features: tf.Tensor[];
  bytes: number;
  leases: number;
  lastUsed: number;
  /** Forgotten while in use: dropped when the last lease is released. */
  forgotten: boolean;
}

const modelIds = new WeakMap<object, number>();
const dataIds = new WeakMap<object, number>();
let nextId = 1;
function idOf(map: WeakMap<object, number>, key: object): number {
  let id = map.get(key);
  if (id === undefined) map.set(key, (id = nextId++));
  return id;
}

/**
 * Identity of a model and its weight values. Assigning a variable (setWeights, loading
 * pretrained weights, training) gives it a new data id, so the key changes exactly when a value may
 * have changed, at no cost.
 */
function modelKeyOf(model: tf.LayersModel): string {
  const weights = model.weights.map((w) => idOf(dataIds, w.read().dataId as object));
  return `${idOf(modelIds, model)}:${weights.join(',')}`;
}


/**
 * Layers run in one go within a feature pass. The first pass through a fresh base also creates
 * the backend's operators for every layer (≈240 ms for MobileNetV2's 150 frozen layers at 32×32,
 * 16 images, against ≈40–80 ms later), so a pass yields to the page every this many layers.
 */
const LAYERS_PER_TASK = 40;

/**
 * Runs layers `from`..`to − 1` on one batch of boundary values (owned by the caller), yielding to
 * the page every LAYERS_PER_TASK layers; returns the values of `cut.boundary`, owned by the caller.
 */
async function runInStretches(cut: ModelCut, from: number, start: tf.Tensor[], signal?: AbortSignal): Promise<tf.Tensor[]> {
  let boundary = boundaryAt(cut.model, from);
  let values = start;
  for (let layer = from; layer < cut.frozenCount; ) {
    const next = Math.min(layer + LAYERS_PER_TASK, cut.frozenCount);
    const outputs = next === cut.frozenCount ? cut.boundary : boundaryAt(cut.model, next);
    const inputs = new Map(boundary.map((t, i) => [t.id, values[i]]));
    const result = runLayers(cut.model, inputs, layer, next, outputs);
    if (values !== start) tf.dispose(values);
    [boundary, values, layer] = [outputs, result, next];
    if (layer < cut.frozenCount) {
      await nextMacrotask();
      if (signal?.aborted) tf.dispose(values);
      throwIfAborted(signal);
    }
  }
  return values === start ? values.map((t) => t.clone()) : values;
}

/** Runs the layers between two cuts over all images in batches, and concatenates the results. */
async function computeFeatures(
  cut: ModelCut,
  from: { frozenCount: number; features: tf.Tensor[] },
  batchSize: number,
  signal?: AbortSignal,
): Promise<tf.Tensor[]> {
  const count = from.features[0].shape[0];
  const parts: tf.Tensor[][] = cut.boundary.map(() => []);
  try {
    for (let begin = 0; begin < count; begin += batchSize) {
      // Before every pass, the first included: whatever the page updates with this change (the
      // summary) gets painted first. A macrotask, not tf.nextFrame(): frames stop in background tabs.
      await pause(signal);
      const size = Math.min(batchSize, count - begin);
      const start = from.features.map((f) => f.slice(begin, size));
      try {
        const outputs = await runInStretches(cut, from.frozenCount, start, signal);
        outputs.forEach((t, i) => parts[i].push(t));
      } finally {
        tf.dispose(start);
      }
    }
    throwIfAborted(signal);
    return parts.map((list) => (list.length === 1 ? list[0].clone() : tf.concat(list, 0)));
  } finally {
    parts.flat().forEach((t) => t.dispose());
  }
}

/** Creates an empty cache. */
export function createFeatureCache(args: FeatureCacheArgs = {}): FeatureCache {
  const maxBytes = args.maxBytes ?? DEFAULT_FEATURE_CACHE_BYTES;
  const batchSize = args.batchSize ?? 16;
  if (!(maxBytes >= 0)) throw new RangeError(`maxBytes must be a non-negative number, got ${maxBytes}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const entries: Entry[] = [];
  const stats: FeatureCacheStats = { hits: 0, derived: 0, computed: 0, evicted: 0 };
  let clock = 0;

  const total = () => entries.reduce((sum, e) => sum + e.bytes, 0);
  const drop = (entry: Entry) => {
    entries.splice(entries.indexOf(entry), 1);
    entry.features.forEach((t) => t.dispose());
  };
  const evict = () => {
    const idle = entries.filter((e) => e.leases === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const entry of idle) {
      if (total() <= maxBytes) break;
      drop(entry);
      stats.evicted++;
    }
  };
  const lease = (entry: Entry, source: FeatureLease['source']): FeatureLease => {
    entry.leases++;
    entry.lastUsed = ++clock;
    let released = false;
    return {
      features: entry.features,
      source,
      release() {
        if (released) return;
        released = true;
        entry.leases--;
        if (entry.forgotten && entry.leases === 0 && entries.includes(entry)) drop(entry);
        evict();
      },
    };
  };

  return {
    async acquire(cut, images, signal) {
      throwIfAborted(signal);
      if (images.isDisposed) throw new Error('feature cache: the images tensor is disposed');
      if (images.shape.length < 2 || images.shape[0] === 0) throw new Error(`feature cache: expected a non-empty batch of images, got shape [${images.shape}]`);
      const modelKey = modelKeyOf(cut.model);
      const same = entries.filter((e) => e.modelKey === modelKey && e.imagesId === images.id);
      const exact = same.find((e) => e.frozenCount === cut.frozenCount);
      if (exact) {
        stats.hits++;
        return lease(exact, 'hit');
      }
      // The deepest cached cut that is still at or below the requested one.
      const shallower = same.filter((e) => e.frozenCount < cut.frozenCount).sort((a, b) => b.frozenCount - a.frozenCount)[0];
      const from = shallower ?? { frozenCount: 1, features: [images] };
      if (shallower) shallower.leases++; // keep it alive while deriving
      let features: tf.Tensor[];
      try {
        features = await computeFeatures(cut, from, batchSize, signal);
      } finally {
        if (shallower) shallower.leases--;
      }
      shallower ? stats.derived++ : stats.computed++;
      const entry: Entry = {
        modelKey,
        modelId: idOf(modelIds, cut.model),
        imagesId: images.id,
        frozenCount: cut.frozenCount,
        features,
        bytes: features.reduce((sum, t) => sum + t.size * 4, 0),
        leases: 0,
        lastUsed: 0,
        forgotten: false,
      };
      entries.push(entry);
      const leased = lease(entry, shallower ? 'derived' : 'computed');
      evict();
      return leased;
    },
    get bytes() {
      return total();
    },
    get size() {
      return entries.length;
    },
    stats,
    clear() {
      entries.filter((e) => e.leases === 0).forEach(drop);
    },
    forget(source) {
      const made = source instanceof tf.Tensor
        ? (e: Entry) => e.imagesId === source.id
        : (e: Entry) => e.modelId === modelIds.get(source);
      for (const entry of entries.filter(made)) {
        if (entry.leases === 0) drop(entry);
        else entry.forgotten = true;
      }
    },
  };
}

/** The cache fine-tuning uses unless told otherwise: one per page or process. */
export const sharedFeatureCache: FeatureCache = createFeatureCache();
