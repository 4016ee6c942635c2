import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTensorBoardLog, crc32c, encodeEvent, maskedCrc32c, tfRecord } from '../../src/ml/tensorboard.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-protobuf
const READER = join(PROJECT_ROOT, 'test/ml/tfevents.py');

interface ReadEvent { wall_time: number; step: number; file_version?: string; scalars?: Record<string, number> }
const readEvents = async (file: string) => JSON.parse((await run(PYTHON, [READER, file])).stdout) as ReadEvent[];

describe('TensorBoard event files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-tb-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('CRC-32C matches the standard check value and RFC 3720\'s test vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    const crc = crc32c(new Uint8Array(32));
    expect(maskedCrc32c(new Uint8Array(32))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  });

  it('frames a record as length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = encodeEvent({ wallTime: 1.5, step: 3, scalars: [{ tag: 'epoch_loss', value: 0.25 }] });
    const record = tfRecord(data);
    const view = new DataView(record.buffer);
    expect(record.length).toBe(16 + data.length);
    expect(Number(view.getBigUint64(0, true))).toBe(data.length);
    expect(view.getUint32(8, true)).toBe(maskedCrc32c(record.subarray(0, 8)));
    expect(view.getUint32(12 + data.length, true)).toBe(maskedCrc32c(data));
  });

  it('a run logged like Keras\'s TensorBoard callback reads back with Google\'s protobuf parser', async () => {
    const logs = [
      { epoch: 1, loss: 1.2, accuracy: 0.41, val_loss: 1.1, val_accuracy: 0.5 },
      { epoch: 2, loss: 0.8, accuracy: 0.66, val_loss: 0.9, val_accuracy: 0.61 },
      { epoch: 3, loss: 0.55, accuracy: 0.8, val_loss: 0.95, val_accuracy: 0.6 },
    ];
    const logdir = join(dir, 'fit', 'run-1');
    const before = Date.now() / 1000;
    const log = await createTensorBoardLog(logdir, { learningRate: 0.001 });
    for (const l of logs) await log.write(l);
    await log.close();
    expect(await readdir(logdir)).toEqual(['train', 'validation']);
    const [trainFile] = await readdir(join(logdir, 'train'));
    expect(trainFile).toMatch(/^events\.out\.tfevents\.\d+\..+\.v2$/);

    const train = await readEvents(join(logdir, 'train', trainFile!));
    expect(train[0]).toMatchObject({ file_version: 'brain.Event:2' });
    expect(train.slice(1).map((e) => e.step)).toEqual([0, 1, 2]);
    train.slice(1).forEach((event, i) => {
      expect(event.scalars).toEqual({ epoch_loss: Math.fround(logs[i]!.loss), epoch_accuracy: Math.fround(logs[i]!.accuracy), epoch_learning_rate: Math.fround(0.001) });
      expect(event.wall_time).toBeGreaterThanOrEqual(before);
    });
    const [validationFile] = await readdir(join(logdir, 'validation'));
    const validation = await readEvents(join(logdir, 'validation', validationFile!));
    expect(validation.slice(1).map((e) => e.scalars)).toEqual(logs.map((l) => ({ epoch_loss: Math.fround(l.val_loss), epoch_accuracy: Math.fround(l.val_accuracy) })));
  });

  it('the reader catches a flipped byte (it checks CRCs)', async () => {
    const file = join(dir, 'events.out.tfevents.0.test');
    const bytes = Uint8Array.from([...tfRecord(encodeEvent({ wallTime: 1, fileVersion: 'brain.Event:2' })), ...tfRecord(encodeEvent({ wallTime: 2, step: 0, scalars: [{ tag: 'x', value: 1 }] }))]);
    await writeFile(file, bytes);
    expect(await readEvents(file)).toHaveLength(2);
    bytes[bytes.length - 6] ^= 0x01;
    await writeFile(file, bytes);
    await expect(readEvents(file)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/record 1: bad data CRC/) });
    expect((await readFile(file)).length).toBe(bytes.length);
  });
});
