/**
 * Deterministic train/validation/test split of Fashion-MNIST into the source and target
 * tasks' shards. Pure: the same images and seed give byte-identical shards. Used by
 * scripts/make-data.ts; kept here so tests can run it on small inputs.
 */
import { sha256Hex } from './checksum.ts';
import {
  DATA_FORMAT_VERSION, FASHION_MNIST_CLASSES, IMAGES_PER_FILE, IMAGE_BYTES, IMAGE_SIDE, SPLITS, SPLIT_FRACTIONS, TASKS,
  TASK_LABELS, shardFileName, type DataManifest, type ShardFile, type ShardInfo, type TaskInfo,
} from './manifest.ts';
import { seededRandom, shuffleInPlace } from './random.ts';
import type { SplitName } from './types.ts';

export interface BuildShardsArgs {
  /** Images per Fashion-MNIST label (index 0..9), each IMAGE_BYTES pixel values 0..255. */
  imagesByLabel: ArrayLike<number>[][];
  /** Seed of the shuffles. */
  seed: number;
  /** Recorded in the manifest: where the images came from. */
  source: { package: string; version: string };
  /** Images per file. Default IMAGES_PER_FILE (tests use fewer). */
  imagesPerFile?: number;
}

export interface BuiltShards {
  manifest: DataManifest;
  /** File name → contents. */
  files: Map<string, Uint8Array>;
}

interface Sample { pixels: Uint8Array; classIndex: number }

/** Sizes of the three splits of one class of `n` images: 70/20/10, test takes the rounding rest. */
export function splitSizes(n: number): Record<SplitName, number> {
  const train = Math.round(n * SPLIT_FRACTIONS.train);
  const validation = Math.round(n * SPLIT_FRACTIONS.validation);
  return { train, validation, test: n - train - validation };
}

function isWellFormed(image: ArrayLike<number>): boolean {
  if (image.length !== IMAGE_BYTES) return false;
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 255) return false;
  }
  return true;
}

/**
 * Keeps each distinct image once, under its label; an image that appears under two labels is
 * dropped altogether (its label is ambiguous). Exact duplicates would otherwise be able to land
 * in two splits and leak test images into training.
 */
function distinctImages(imagesByLabel: ArrayLike<number>[][]): { byLabel: Uint8Array[][]; malformed: number; duplicates: number } {
  const firstLabel = new Map<string, number>();
  const conflicting = new Set<string>();
  let malformed = 0;
  let duplicates = 0;
  const kept: { key: string; pixels: Uint8Array }[][] = imagesByLabel.map(() => []);
  imagesByLabel.forEach((images, label) => {
    for (const image of images) {
      if (!isWellFormed(image)) { malformed++; continue; }
      const pixels = Uint8Array.from(image);
      const key = String.fromCharCode(...pixels);
      const seen = firstLabel.get(key);
      if (seen === undefined) {
        firstLabel.set(key, label);
        kept[label]!.push({ key, pixels });
      } else {
        duplicates++;
        if (seen !== label) conflicting.add(key);
      }
    }
  });
  const byLabel = kept.map((images) => images.filter(({ key }) => !conflicting.has(key)).map(({ pixels }) => pixels));
  duplicates += conflicting.size; // the first copies of conflicting images are dropped too
  return { byLabel, malformed, duplicates };
}

function encodeShard(samples: Sample[]): Uint8Array {
  const bytes = new Uint8Array(samples.length * (IMAGE_BYTES + 1));
  samples.forEach((s, i) => {
    bytes.set(s.pixels, i * IMAGE_BYTES);
    bytes[samples.length * IMAGE_BYTES + i] = s.classIndex;
  });
  return bytes;
}

/** Splits every class 70/20/10 (stratified), shuffles each split, and encodes each split in files of `imagesPerFile` images. */
export async function buildShards({ imagesByLabel, seed, source, imagesPerFile = IMAGES_PER_FILE }: BuildShardsArgs): Promise<BuiltShards> {
  if (!Number.isInteger(imagesPerFile) || imagesPerFile < 1) throw new Error(`buildShards: imagesPerFile must be a positive integer, got ${imagesPerFile}`);
  if (imagesByLabel.length !== FASHION_MNIST_CLASSES.length) {
    throw new Error(`buildShards: expected images for ${FASHION_MNIST_CLASSES.length} labels, got ${imagesByLabel.length}`);
  }
  const { byLabel, malformed, duplicates } = distinctImages(imagesByLabel);
  const random = seededRandom(seed);
  const files = new Map<string, Uint8Array>();
  const tasks = {} as Record<(typeof TASKS)[number], TaskInfo>;
  for (const task of TASKS) {
    const labels = TASK_LABELS[task];
    const bySplit: Record<SplitName, Sample[]> = { train: [], validation: [], test: [] };
    const perClass: Record<SplitName, number[]> = { train: [], validation: [], test: [] };
    labels.forEach((label, classIndex) => {
      const images = shuffleInPlace([...byLabel[label]!], random);
      const sizes = splitSizes(images.length);
      let start = 0;
      for (const split of SPLITS) {
        const part = images.slice(start, start + sizes[split]);
        start += sizes[split];
        bySplit[split].push(...part.map((pixels) => ({ pixels, classIndex })));
        perClass[split].push(part.length);
      }
    });
    const splits = {} as Record<SplitName, ShardInfo>;
    for (const split of SPLITS) {
      const samples = shuffleInPlace(bySplit[split], random);
      const parts: ShardFile[] = [];
      for (let start = 0; start < samples.length; start += imagesPerFile) {
        const bytes = encodeShard(samples.slice(start, start + imagesPerFile));
        const file = shardFileName(task, split, parts.length);
        files.set(file, bytes);
        parts.push({ file, count: bytes.length / (IMAGE_BYTES + 1), bytes: bytes.length, sha256: await sha256Hex(bytes) });
      }
      splits[split] = { count: samples.length, perClass: perClass[split], files: parts };
    }
    tasks[task] = {
      classes: labels.map((label) => FASHION_MNIST_CLASSES[label]!),
      fashionMnistLabels: [...labels],
      splits,
    };
  }
  const manifest: DataManifest = {
    format: DATA_FORMAT_VERSION, seed, imageSide: IMAGE_SIDE, source, dropped: { malformed, duplicates }, tasks,
  };
  return { manifest, files };
}
