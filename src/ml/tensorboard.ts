/**
 * TensorBoard event files, as Keras's `TensorBoard(log_dir=...)` callback writes them, so that a
 * run of `lectern finetune --logdir DIR` opens in real TensorBoard (`tensorboard --logdir DIR`).
 *
 * The format, from TensorFlow's sources (tensorflow/core/util/event.proto, framework/summary.proto,
 * lib/io/record_writer.cc):
 * - a file is a sequence of TFRecords: length (uint64 LE), masked CRC-32C of the length bytes
 *   (uint32 LE), the data, masked CRC-32C of the data; mask(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8;
 * - each record is an `Event` protobuf: wall_time (1, double), step (2, int64), and either
 *   file_version (3, string, "brain.Event:2" in the first record) or summary (5, Summary);
 * - a `Summary` holds repeated value (1): tag (1, string), simple_value (2, float).
 *
 * Keras writes a run's training scalars in `DIR/train` and its validation scalars in
 * `DIR/validation`, under the same tags (`epoch_loss`, `epoch_accuracy`; `epoch_learning_rate` for
 * training), with step = the epoch counted from 0; TensorBoard then draws both in one chart per tag.
 *
 * The encoders are pure (Node and browser); `createEventFileWriter` and `createTensorBoardLog`
 * write files and run in Node only (node:fs is imported lazily).
 */

// ---- CRC-32C (Castagnoli), as TFRecord frames use it ------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1; // reflected polynomial 0x1EDC6F41
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C of `bytes` (check value: crc32c("123456789") = 0xe3069283). */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotated right by 15 bits plus a constant, so CRCs of CRCs stay strong. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// ---- Protobuf, the few wire types an Event needs -----------------------------------------

/** Bytes of a protobuf message, appended field by field. */
class ProtoWriter {
  private parts: number[] = [];

  private varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      this.parts.push(v > 0n ? byte | 0x80 : byte);
    } while (v > 0n);
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  double(field: number, value: number): this {
    this.key(field, 1);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.parts.push(...bytes);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.parts.push(...bytes);
    return this;
  }

  int64(field: number, value: number): this {
    this.key(field, 0);
    this.varint(BigInt(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(BigInt(value.length));
    this.parts.push(...value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A scalar of one step: a chart's tag and its value. */
export interface Scalar {
  tag: string;
  value: number;
}

export type TensorBoardEvent =
  | { wallTime: number; fileVersion: string }
  | { wallTime: number; step: number; scalars: Scalar[] };

/** An `Event` protobuf. */
export function encodeEvent(event: TensorBoardEvent): Uint8Array {
  const proto = new ProtoWriter().double(1, event.wallTime);
  if ('fileVersion' in event) return proto.string(3, event.fileVersion).finish();
  if (!Number.isInteger(event.step) || event.step < 0) throw new RangeError(`TensorBoard step must be a non-negative integer, got ${event.step}`);
  const summary = new ProtoWriter();
  for (const { tag, value } of event.scalars) summary.bytes(1, new ProtoWriter().string(1, tag).float(2, value).finish());
  return proto.int64(2, event.step).bytes(5, summary.finish()).finish();
}

/** The version record every event file starts with (TensorFlow 2 writes "brain.Event:2"). */
export const FILE_VERSION = 'brain.Event:2';

// ---- Files (Node) -------------------------------------------------------------------------

export interface EventFileWriter {
  /** The file being written. */
  readonly path: string;
  /** Appends one step's scalars (flushed at once, so a TensorBoard watching the folder sees it live). */
  add(step: number, scalars: Scalar[], wallTime?: number): Promise<void>;
  close(): Promise<void>;
}

let writerCount = 0;
const seconds = () => Date.now() / 1000;

/**
 * Starts an event file in `dir` (created if needed), named as TensorFlow names them
 * (`events.out.tfevents.<time>.<host>.<pid>.<n>.v2`: TensorBoard reads files whose name holds "tfevents").
 */
export async function createEventFileWriter(dir: string): Promise<EventFileWriter> {
  const { mkdir, open } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { hostname } = await import('node:os');
  await mkdir(dir, { recursive: true });
  const now = seconds();
  const path = join(dir, `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}.${writerCount++}.v2`);
  const handle = await open(path, 'wx');
  const append = async (event: TensorBoardEvent) => {
    await handle.write(tfRecord(encodeEvent(event)));
  };
  await append({ wallTime: now, fileVersion: FILE_VERSION });
  let closed = false;
  return {
    path,
    async add(step, scalars, wallTime = seconds()) {
      if (closed) throw new Error(`TensorBoard event file ${path} is closed`);
      await append({ wallTime, step, scalars });
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

/** What one epoch logs, in Keras's names (`epoch` counted from 1, as Lectern's logs are). */
export interface EpochScalars {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

export interface TensorBoardLog {
  /** `DIR/train` and `DIR/validation`. */
  readonly dirs: { train: string; validation: string };
  /** Event files written so far. */
  readonly files: string[];
  write(log: EpochScalars): Promise<void>;
  close(): Promise<void>;
}

export interface TensorBoardLogArgs {
  /** The learning rate, logged per epoch as `epoch_learning_rate` (Keras 3 does). Default none. */
  learningRate?: number;
}

/** Keras's TensorBoard callback for Lectern's epoch logs: `DIR/train` and `DIR/validation`. */
export async function createTensorBoardLog(logdir: string, args: TensorBoardLogArgs = {}): Promise<TensorBoardLog> {
  const { join } = await import('node:path');
  const dirs = { train: join(logdir, 'train'), validation: join(logdir, 'validation') };
  const train = await createEventFileWriter(dirs.train);
  const validation = await createEventFileWriter(dirs.validation);
  return {
    dirs,
    files: [train.path, validation.path],
    async write(log) {
      const step = log.epoch - 1; // Keras's on_epoch_end counts from 0
      const wallTime = seconds();
      const trained: Scalar[] = [{ tag: 'epoch_accuracy', value: log.accuracy }, { tag: 'epoch_loss', value: log.loss }];
      if (args.learningRate !== undefined) trained.push({ tag: 'epoch_learning_rate', value: args.learningRate });
      await train.add(step, trained, wallTime);
      await validation.add(step, [{ tag: 'epoch_accuracy', value: log.val_accuracy }, { tag: 'epoch_loss', value: log.val_loss }], wallTime);
    },
    async close() {
      await train.close();
      await validation.close();
    },
  };
}
