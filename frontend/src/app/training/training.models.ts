import { Schemas } from '../core/api/api-schemas';

/** Shapes of training jobs, model versions and new segmentations. */
export type TrainingJob = Schemas['Job'];

export type JobStatus = TrainingJob['status'];

export type TrainingParams = Schemas['Trigger'];

export type ModelVersion = Schemas['ModelVersion'];

export type ModelStatus = ModelVersion['status'];

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'rejected'];

/** A column customers have (built in or imported), from GET /api/v1/customers/columns. */
export type CustomerColumn = Schemas['Column'];

export type SegmentationPreset = Schemas['Preset'];

/** Body of POST /api/v1/segmentations. */
export type NewSegmentation = Schemas['SegmentationCreate'];
