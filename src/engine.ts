/**
 * `lectern/engine`: everything under the lesson-facing API, for tooling, tests and lessons that
 * go deeper (in a cell: `import { compileCell } from "lectern/engine"`). Lessons normally need only
 * `lectern` (src/lectern.ts). One line per module; runs in Node and in the browser.
 */

// Lessons and cells: parse a lesson, compile a cell, run cells, what a lesson may import.
export { parseLesson } from './lesson/parse.ts';
export type { Lesson, LessonBlock, CellBlock, MarkdownBlock, HeadingBlock, CodeBlock, LessonSection, FrontMatter, CellOptions } from './lesson/types.ts';
export { compileCell } from './cells/compile.ts';
export type { CompiledCell, CellDiagnostic, CellImport, CellLanguage } from './cells/types.ts';
export { DEFAULT_LOOP_BUDGET_MS, LoopBudgetError } from './cells/loop-guard.ts';
export { createLessonRuntime } from './runtime/lesson-runtime.ts';
export type { LessonRuntime, LessonRuntimeArgs, CellObserver, ImportModule, ViewFunction } from './runtime/lesson-runtime.ts';
export { CellError } from './runtime/errors.ts';
export type { CellErrorKind } from './runtime/errors.ts';
export { observe, inputValues, now } from './runtime/generators.ts';
export { rich, withDisplay, displayForms, isDisplayable, DISPLAY } from './runtime/display.ts';
export type { Displayable, DisplayForms } from './runtime/display.ts';
export { LESSON_PACKAGES, resolveLessonImport, LessonImportError } from './runtime/lesson-imports.ts';
export type { LessonPackage, LessonImport } from './runtime/lesson-imports.ts';

// Model: Keras 3 MobileNetV2, freezing with Keras BatchNormalization semantics, Keras-style summaries.
export { mobileNetV2, SUPPORTED_ALPHAS, makeDivisible, correctPad } from './ml/mobilenetv2.ts';
export type { MobileNetV2Args, Alpha } from './ml/mobilenetv2.ts';
export { freezeAllButLast, trainableLast, countParams } from './ml/freeze.ts';
export type { ParamCounts } from './ml/freeze.ts';
export { useKerasBatchNormSemantics, kerasBatchNormalization, isFrozenBatchNorm } from './ml/batchnorm.ts';
// `summaryText`: the engine's string; `lectern`'s `summary` is the displayable one.
export { summary as summaryText, summaryHtml, summarize, SUMMARY_CSS } from './ml/summary/index.ts';
export type { SummaryArgs, SummaryHtmlArgs, ModelSummary, SummaryRow, SummaryTotals } from './ml/summary/index.ts';

// Fine-tuning: the engine (cached frozen features, abortable epochs), EarlyStopping, the diagnosis.
export { fineTune, fineTuneToEnd, classifierHead } from './ml/finetune.ts';
export type { FineTuneArgs, FineTuneResult, FineTuneHistory, EpochLog, HeadArgs, Head } from './ml/finetune.ts';
export { createFeatureCache, sharedFeatureCache, DEFAULT_FEATURE_CACHE_BYTES } from './ml/feature-cache.ts';
export type { FeatureCache, FeatureCacheArgs, FeatureLease } from './ml/feature-cache.ts';
export { createEarlyStopping, createBestCheckpoint, COURSE_EARLY_STOPPING } from './ml/early-stopping.ts';
export type { EarlyStoppingArgs, EarlyStopping, BestCheckpoint } from './ml/early-stopping.ts';
// `diagnose` here is the engine's (any task, any words); `lectern`'s applies the course's and shows itself.
export { diagnose, diagnosisHtml, formatDiagnosis, DEFAULT_THRESHOLDS, DEFAULT_WORDING, VERDICTS } from './ml/diagnose.ts';
export type { Diagnosis, Verdict, EpochMetrics, DiagnoseOptions, DiagnosisThresholds, DiagnosisWording } from './ml/diagnose.ts';

// Backends: start wasm / webgl / cpu with fallback (wasm gets Lectern's gradient kernels).
export { selectBackend, wasmFeatures, describeWasm, fallbackChain, BACKEND_NAMES } from './ml/backend.ts';
export type { BackendName, BackendStatus, BackendAttempt, WasmFeatures, SelectBackendArgs } from './ml/backend.ts';
export { registerWasmGradients } from './ml/kernels/register.ts';

// Data and pretrained weights: offline Fashion-MNIST (Node fs / browser fetch) and the shipped MobileNetV2.
export { loadSplit, loadRawSplit, loadManifest, toLabeledImages, clearDataCache, DEFAULT_INPUT_SIZE, DataError, FASHION_MNIST_CLASSES, TASK_LABELS } from './ml/data/index.ts';
export type { LabeledImages, Task, SplitName, LoadSplitArgs, RawSplit, DataManifest } from './ml/data/index.ts';
export { loadPretrained, loadPretrainedBase, encodeModel, WeightsError, PRETRAINED_DIR, PRETRAINED_URL } from './ml/weights.ts';
export type { LoadPretrainedArgs, LoadedModel, PretrainedMetadata, Quantization } from './ml/weights.ts';
export { registerArchitecture, architectureNames } from './ml/architectures.ts';
export type { Architecture, ArchitectureMetadata } from './ml/architectures.ts';
export { trainLoop } from './ml/train-loop.ts';
export type { TrainLoopArgs, TrainLoopResult, LabeledTensors } from './ml/train-loop.ts';

// The Keras course on the engine: its defaults, head and diagnosis words.
export { COURSE, courseHead } from './course/fine-tuning.ts';
export { courseDiagnosis, LESSON_DIAGNOSIS, LESSON_SECTIONS, LESSON_REMEDIES, LESSON_THRESHOLDS } from './course/diagnosis.ts';
