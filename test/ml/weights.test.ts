import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ByteReader } from '../../src/ml/data/bytes.ts';
import { mobileNetV2 } from '../../src/ml/mobilenetv2.ts';
import {
  PRETRAINED_DIR, WeightsError, encodeModel, formatSums, loadPretrained, loadPretrainedBase, saveModel, toFloat16, type Quantization,
} from '../../src/ml/weights.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const CLASSES = ['Trouser', 'Dress', 'Sandal', 'Sneaker', 'Bag', 'Ankle boot'];
const metadata = { architecture: 'MobileNetV2' as const, alpha: 1, inputSize: 32, classes: CLASSES };

function memoryReader(files: Map<string, Uint8Array>): ByteReader {
  return {
    location: (file) => `mem/${file}`,
    async read(file) {
      const bytes = files.get(file);
      if (!bytes) throw new WeightsError(`mem/${file}`, 'file is missing');
      return bytes;
    },
  };
}

async function encodedFiles(model: tf.LayersModel, quantization: Quantization): Promise<Map<string, Uint8Array>> {
  return new Map((await encodeModel(model, { quantization, metadata })).files);
}

/** Writes SHA256SUMS for the files as they are now: a consistent folder, as a writer would leave it. */
function reseal(files: Map<string, Uint8Array>): void {
  const sums = formatSums({ 'model.json': sha256(files.get('model.json')!), 'weights.bin': sha256(files.get('weights.bin')!) });
  files.set('SHA256SUMS', new TextEncoder().encode(sums));
}

type ModelJsonShape = { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]; userDefinedMetadata: { lectern: Record<string, unknown> } };

/** Edits model.json; resealed by default (a consistent but wrong model), or not (a tampered file). */
function editJson(files: Map<string, Uint8Array>, edit: (json: ModelJsonShape) => void, { resealed = true } = {}): void {
  const json = JSON.parse(new TextDecoder().decode(files.get('model.json')));
  edit(json);
  files.set('model.json', new TextEncoder().encode(JSON.stringify(json)));
  if (resealed) reseal(files);
}

describe('toFloat16', () => {
  it('matches IEEE half-precision bit patterns, rounding to nearest even', () => {
    expect(toFloat16(1)).toBe(0x3c00);
    expect(toFloat16(-2)).toBe(0xc000);
    expect(toFloat16(0.1)).toBe(0x2e66);
    expect(toFloat16(65504)).toBe(0x7bff);
    expect(toFloat16(1e5)).toBe(0x7c00);
    expect(toFloat16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16(2 ** -26)).toBe(0x0000);
    expect(toFloat16(1 + 2 ** -11)).toBe(0x3c00); // halfway: ties to even
    expect(toFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16(Number.NaN) & 0x7c00).toBe(0x7c00);
  });
});

describe('pretrained weights: save and load', () => {
  let model: tf.LayersModel;
  let input: tf.Tensor4D;
  let expected: Float32Array;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = mobileNetV2({ inputShape: [32, 32, 3], alpha: 1, includeTop: true, classes: 6, seed: 11 });
    // Non-trivial BN statistics and bias, so that wrong or shuffled weights change the output.
    for (const layer of model.layers) {
      if (layer.getClassName() !== 'BatchNormalization') continue;
      layer.setWeights(layer.getWeights().map((w, i) => tf.tidy(() => tf.randomUniform(w.shape, i === 3 ? 0.5 : -0.5, 1.5, 'float32', i))));
    }
    input = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    expected = (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
  }, 120_000);
  afterAll(() => { model.dispose(); input.dispose(); });

  for (const [quantization, tolerance] of [['float32', 0], ['float16', 1e-3], ['uint8', 2e-2]] as const) {
    it(`round-trips as ${quantization}: same weights within precision, same predictions, no tensor left behind`, async () => {
      const files = await encodedFiles(model, quantization);
      const before = tf.memory().numTensors;
      const { model: loaded, metadata: meta } = await loadPretrained({ reader: memoryReader(files) });
      expect(meta.quantization).toBe(quantization);
      expect(meta.classes).toEqual(CLASSES);
      expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
      let worst = 0;
      model.weights.forEach((w, i) => {
        const a = w.read().dataSync();
        const b = loaded.weights[i]!.read().dataSync();
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of a) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        const range = hi - lo || 1;
        for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!) / (quantization === 'uint8' ? range : Math.max(1, Math.abs(a[k]!))));
      });
      if (quantization === 'float32') expect(worst).toBe(0);
      else expect(worst).toBeLessThanOrEqual(tolerance);
      const got = tf.tidy(() => (loaded.predict(input) as tf.Tensor).dataSync());
      if (quantization !== 'uint8') for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(expected[k]!, quantization === 'float32' ? 6 : 2);
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }, 120_000);
  }

  it('stores float16 in half the bytes of float32 and uint8 in a quarter', async () => {
    const sizes = await Promise.all((['float32', 'float16', 'uint8'] as const).map(async (q) => (await encodedFiles(model, q)).get('weights.bin')!.length));
    const params = model.countParams();
    expect(sizes).toEqual([params * 4, params * 2, params]);
  });

  it('loads the base alone (154 layers, out_relu) at another input size', async () => {
    const files = await encodedFiles(model, 'float32');
    const base = await loadPretrainedBase({ reader: memoryReader(files), inputSize: 48 });
    expect(base.layers).toHaveLength(154);
    expect(base.outputs[0]!.shape).toEqual([null, 2, 2, 1280]);
    const kernel = base.getLayer('block_16_project').getWeights()[0]!;
    expect(Array.from(kernel.dataSync().slice(0, 8))).toEqual(Array.from(model.getLayer('block_16_project').getWeights()[0]!.dataSync().slice(0, 8)));
    base.dispose();
  }, 120_000);

  it('writes model.json + weights.bin to a folder and reads them back (Node fs)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lectern-weights-'));
    try {
      const written = await saveModel(model, dir, { quantization: 'float16', metadata });
      expect(written.map((f) => f.file).sort()).toEqual(['model.json', 'weights.bin']);
      // SHA256SUMS in sha256sum's format, with the hashes node:crypto computes of the files written.
      const sums = await readFile(join(dir, 'SHA256SUMS'), 'utf8');
      expect(sums).toBe(`${sha256(await readFile(join(dir, 'model.json')))}  model.json\n${sha256(await readFile(join(dir, 'weights.bin')))}  weights.bin\n`);
      expect(written.map((f) => f.sha256).sort()).toEqual(sums.trim().split('\n').map((line) => line.split('  ')[0]).sort());
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
      expect(json.modelTopology.config.layers).toHaveLength(model.layers.length);
      const { model: loaded } = await loadPretrained({ dir });
      expect(loaded.countParams()).toBe(model.countParams());
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describe('errors name the file or the layer', () => {
    it('a shape that does not fit the architecture names the layer and both shapes', async () => {
      const files = await encodedFiles(model, 'float32');
      editJson(files, (json) => {
        const specs = json.weightsManifest[0]!.weights;
        const spec = specs.find((w) => w.name === 'block_3_expand/kernel')!;
        spec.shape = [1, 1, 144, 24]; // same number of values as [1, 1, 24, 144], transposed
      });
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/mem\/model\.json: layer "block_3_expand": weight "block_3_expand\/kernel" has shape \[1, 1, 144, 24\], the architecture expects \[1, 1, 24, 144\]/);
    });

    it('a missing weight names the layer', async () => {
      const files = await encodedFiles(model, 'float32');
      editJson(files, (json) => {
        const specs = json.weightsManifest[0]!.weights;
        const i = specs.findIndex((w) => w.name === 'Conv_1_bn/moving_variance');
        specs[i] = { ...specs[i]!, name: 'Conv_1_bn/renamed' };
      });
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/layer "Conv_1_bn": weight "Conv_1_bn\/moving_variance" is missing/);
    });

    it('a corrupt or truncated shard names weights.bin', async () => {
      const files = await encodedFiles(model, 'float16');
      const corrupt = Uint8Array.from(files.get('weights.bin')!);
      corrupt[1234] = corrupt[1234]! ^ 0xff;
      files.set('weights.bin', corrupt);
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/mem\/weights\.bin: checksum does not match model\.json/);
      files.set('weights.bin', corrupt.subarray(0, 1000));
      editJson(files, (json) => { (json.userDefinedMetadata.lectern['sha256'] as Record<string, string>)['weights.bin'] = sha256(corrupt.subarray(0, 1000)); });
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/mem\/weights\.bin: weights have 1000 bytes, model\.json describes \d+/);
    });

    it('model.json that does not parse, or is not a Lectern MobileNetV2', async () => {
      const files = await encodedFiles(model, 'float16');
      files.set('model.json', new TextEncoder().encode('{"format": "layers-model", '));
      reseal(files);
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/mem\/model\.json: does not parse as JSON/);
      files.set('model.json', new TextEncoder().encode(JSON.stringify({ format: 'graph-model' })));
      reseal(files);
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/not a tfjs layers model/);
    });

  });

  describe('tampered files are refused (SHA256SUMS and the shard hash are required)', () => {
    it('model.json edited by hand (quantization scales x50) names model.json and SHA256SUMS', async () => {
      const files = await encodedFiles(model, 'uint8');
      editJson(files, (json) => {
        for (const spec of json.weightsManifest[0]!.weights) spec.quantization!.scale! *= 50;
      }, { resealed: false });
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(
        /^mem\/model\.json: SHA-256 does not match SHA256SUMS \(the file was edited, is corrupt, or comes from another model\)\. Restore public\/models\/pretrained from the repository, or run `npm run pretrain`/,
      );
    });

    it('a shard that SHA256SUMS does not vouch for is refused, even when model.json agrees with it', async () => {
      const files = await encodedFiles(model, 'float16');
      const other = Uint8Array.from(files.get('weights.bin')!);
      other[99] = other[99]! ^ 0x01;
      files.set('weights.bin', other);
      editJson(files, (json) => { (json.userDefinedMetadata.lectern['sha256'] as Record<string, string>)['weights.bin'] = sha256(other); }, { resealed: false });
      const sums = new TextDecoder().decode(files.get('SHA256SUMS')).replace(/^\w+  model\.json$/m, `${sha256(files.get('model.json')!)}  model.json`);
      files.set('SHA256SUMS', new TextEncoder().encode(sums));
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/^mem\/weights\.bin: SHA-256 does not match SHA256SUMS/);
    });

    it('model.json without the shard\'s sha256 is refused, not loaded unchecked', async () => {
      const files = await encodedFiles(model, 'float16');
      editJson(files, (json) => { delete json.userDefinedMetadata.lectern['sha256']; });
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/^mem\/model\.json: records no SHA-256 for the shard "weights\.bin"/);
    });

    it('a missing SHA256SUMS, or one that leaves a file out, says how to write it', async () => {
      const files = await encodedFiles(model, 'float16');
      files.delete('SHA256SUMS');
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(
        /^mem\/SHA256SUMS: cannot be read \(file is missing\); Lectern loads no model without the SHA-256 of its files\. For files you made yourself and trust, write it with `sha256sum model\.json weights\.bin > SHA256SUMS` in their folder\. Restore/,
      );
      files.set('SHA256SUMS', new TextEncoder().encode(formatSums({ 'model.json': sha256(files.get('model.json')!) })));
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/^mem\/SHA256SUMS: lists no SHA-256 for weights\.bin/);
      files.set('SHA256SUMS', new TextEncoder().encode('not a checksum line\n'));
      await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/^mem\/SHA256SUMS: line 1 is not "<sha256>  <file>"/);
    });

    it('a folder whose model.json was edited after saving is refused (Node fs)', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lectern-weights-'));
      try {
        await saveModel(model, dir, { quantization: 'uint8', metadata });
        const text = await readFile(join(dir, 'model.json'), 'utf8');
        await writeFile(join(dir, 'model.json'), text.replace(/"scale":([0-9.e-]+)/, (_, scale: string) => `"scale":${Number(scale) * 50}`));
        await expect(loadPretrained({ dir })).rejects.toThrow(new RegExp(`^${dir}/model\\.json: SHA-256 does not match SHA256SUMS`));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 120_000);

    it('the shipped model\'s SHA256SUMS holds the SHA-256 of its files (node:crypto)', async () => {
      const lines = (await readFile(join(PRETRAINED_DIR, 'SHA256SUMS'), 'utf8')).trim().split('\n');
      expect(lines.map((line) => line.split('  ')[1]).sort()).toEqual(['model.json', 'weights.bin']);
      for (const line of lines) {
        const [hex, file] = line.split('  ');
        expect(sha256(await readFile(join(PRETRAINED_DIR, file!))), file).toBe(hex);
      }
    });
  });

  describe('a missing folder', () => {
    it('names model.json and how to restore it', async () => {
      await expect(loadPretrained({ dir: '/nonexistent/lectern-model' })).rejects.toThrow(/\/nonexistent\/lectern-model\/model\.json: file is missing\. Restore public\/models\/pretrained .*npm run pretrain/);
    });
  });
});
