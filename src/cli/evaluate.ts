/**
 * `lectern evaluate --model pretrained [--json]`: accuracy of the shipped pretrained MobileNetV2
 * on the source task's test split (images it never trained on).
 */
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../ml/backend.ts';
import { accuracy } from '../ml/accuracy.ts';
import { loadRawSplit } from '../ml/data/load.ts';
import { PRETRAINED_DIR, loadPretrained } from '../ml/weights.ts';

const USAGE = `Usage: lectern evaluate --model pretrained|<folder> [options]

Prints the model's accuracy on the source task's test split.

Options:
  --model M        "pretrained" (${PRETRAINED_DIR}) or a folder with model.json (required)
  --json           print {"split": "source-test", "accuracy": ...} only
  --limit N        evaluate the first N test images (default all)
  --data DIR       data folder (default public/data)
  --backend B      wasm | cpu (default wasm)
`;

export interface EvaluateResult {
  split: 'source-test';
  accuracy: number;
  images: number;
  model: string;
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        json: { type: 'boolean', default: false },
        limit: { type: 'string' },
        data: { type: 'string', default: 'public/data' },
        backend: { type: 'string', default: 'wasm' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`evaluate: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) { console.log(USAGE); return 0; }
  if (!values.model) { console.error(`evaluate: --model is required\n\n${USAGE}`); return 2; }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    console.error(`evaluate: --limit must be a positive integer, got "${values.limit}"`);
    return 2;
  }
  if (!['wasm', 'cpu'].includes(values.backend)) {
    console.error(`evaluate: --backend must be wasm or cpu, got "${values.backend}"`);
    return 2;
  }
  const dir = values.model === 'pretrained' ? PRETRAINED_DIR : values.model;
  try {
    const status = await selectBackend({ name: values.backend as BackendName, fallback: false });
    if (!values.json) console.log(`evaluate: ${status.message}`);
    const test = await loadRawSplit({ task: 'source', split: 'test', dir: values.data });
    const { model, metadata } = await loadPretrained({ dir });
    if (metadata.classes.join() !== test.classes.join()) {
      model.dispose();
      console.error(`evaluate: ${dir} predicts [${metadata.classes.join(', ')}], the source task is [${test.classes.join(', ')}]`);
      return 1;
    }
    const value = await accuracy(model, test, { limit });
    model.dispose();
    const result: EvaluateResult = { split: 'source-test', accuracy: value, images: Math.min(limit ?? test.count, test.count), model: dir };
    console.log(values.json ? JSON.stringify(result) : `evaluate: ${dir} (${metadata.quantization}): ${(value * 100).toFixed(2)}% on ${result.images} source test images`);
    return 0;
  } catch (error) {
    console.error(`evaluate: ${(error as Error).message}`);
    return 1;
  }
}
