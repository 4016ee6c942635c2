/**
 * `lectern`: what a lesson imports (`import { train, diagnose } from "lectern"`), designed from
 * lesson 8 backwards. Values that a cell shows show themselves (HTML in the page, text in
 * `lectern run`), and helpers that make tensors take the cell's `invalidation` and free them when
 * the cell re-runs. Everything else, for tooling and deeper lessons: `lectern/engine` (src/engine.ts).
 */

// Where TensorFlow.js computes: wasm (with Lectern's gradient kernels), webgl or cpu, with fallback.
export { selectBackend } from './ml/backend.ts';
export type { BackendName, BackendStatus } from './ml/backend.ts';

// The course's pretrained MobileNetV2 and images.
export { loadBase, loadImages, COURSE } from './course/fine-tuning.ts';
export type { LoadBaseArgs, LoadImagesArgs, LessonImages } from './course/fine-tuning.ts';

// Freezing, as Keras's `layer.trainable = False`, and Keras's `model.summary()`.
export { freezeAllButLast, countParams } from './ml/freeze.ts';
export { summary } from './course/displays.ts';

// Fine-tuning for a cell, and reading its curves.
export { train } from './course/fine-tuning.ts';
export type { TrainArgs, Training } from './course/fine-tuning.ts';
// The reference a lesson compares with: a small CNN trained from scratch on the same images and budget.
export { trainFromScratch } from './course/scratch.ts';
export type { TrainFromScratchArgs } from './course/scratch.ts';
export type { EpochLog, FineTuneHistory } from './ml/finetune.ts';
export { diagnose, trainingCurves, status } from './course/displays.ts';
export type { CurvesRun, TrainingCurvesOptions } from './course/displays.ts';
export type { Diagnosis, Verdict } from './ml/diagnose.ts';

// Lesson 7's callbacks: TensorBoard's scalars in the page, ModelCheckpoint (Keras `.weights.h5`
// files kept in the browser), loading them into a fresh model, and Keras's `evaluate`.
export { tensorBoard, scalars, modelCheckpoint, readCheckpoint, inspectWeights, courseModel, loadWeights, evaluate } from './course/callbacks.ts';
export type { TensorBoard, Checkpoint, CheckpointFile, CourseModelArgs, LoadedWeights, ModelEvaluation } from './course/callbacks.ts';
export type { EarlyStoppingArgs } from './ml/early-stopping.ts';
export type { ScalarRun } from './ml/scalars.ts';

// Values that show themselves, and values over time.
export { rich } from './runtime/display.ts';
export type { Displayable, DisplayForms } from './runtime/display.ts';
export { observe } from './runtime/generators.ts';
