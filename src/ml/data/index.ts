/** Offline Fashion-MNIST for the lesson (target task) and for pretraining (source task). */
export type { LabeledImages, SplitName, Task } from './types.ts';
export {
  DEFAULT_INPUT_SIZE, clearDataCache, dataReader, loadManifest, loadRawSplit, loadSplit, toLabeledImages,
  type DataLocationArgs, type LoadRawSplitArgs, type LoadSplitArgs, type RawSplit, type ToImagesArgs,
} from './load.ts';
export { fetchReader, folderReader, type ByteReader } from './bytes.ts';
export {
  DataError, FASHION_MNIST_CLASSES, MANIFEST_FILE, REGENERATE_HINT, SPLITS, TASKS, TASK_LABELS, type DataManifest,
} from './manifest.ts';
