/** `neuroswipe reproduce`: the Yandex Cup submission procedure as one run (docs/REPRODUCE.md). */
export { reproduce, defaultWorkDir, type ReproduceOptions } from './run.js';
export { readAggregationSettings, parseAggregationSettings, SUBMISSION_AGGREGATION, type AggregationSettings } from './aggregation-config.js';
export { locateDataFiles, prepareTestData, hasInlineGrids, type DataFiles, type PreparedData } from './data-dir.js';
export { exportModels, exportDirOf, type ExportOutcome } from './export-stage.js';
export { aggregateByGrid, gridsOf, type GridAggregate } from './aggregate-stage.js';
export { baselineStage, type BaselineStageInput, type BaselineStageResult } from './baseline-stage.js';
export { formatReproduceSummary, STAGES, type ReproduceSummary, type StageName, type StageRecord } from './summary.js';
export { claimWorkDir, describeInputs, workInputsPath, type WorkInputs } from './work-dir.js';
