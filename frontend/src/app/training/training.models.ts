import { FeatureKind, FeatureSpec } from '../core/segmentation/segmentation.models';
import { ClusterMetrics } from '../shared/model.models';

/** Shapes of training jobs, model versions and new segmentations. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'rejected';

export interface TrainingJob {
  id: number;
  status: JobStatus;
  stage: string | null;
  progress: number;
  params: Record<string, unknown>;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  model_version: number | null;
  metrics: ClusterMetrics | null;
}

export interface TrainingParams {
  k?: number;
  min_clusters?: number;
  max_clusters?: number;
}

export type ModelStatus = 'active' | 'candidate' | 'rejected' | 'retired';

export interface ModelVersion {
  version: number;
  status: ModelStatus;
  is_active: boolean;
  k: number;
  metrics: ClusterMetrics;
  n_train_rows: number | null;
  created_at: string;
  activated_at: string | null;
  rejection_reason: string | null;
}

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'rejected'];

/** A column customers have (built in or imported), from GET /api/v1/customers/columns. */
export interface CustomerColumn {
  name: string;
  type: 'number' | 'boolean' | 'category' | 'date' | 'text';
  suggested_kind: FeatureKind | null;
  categories?: string[];
  n_values: number;
  n_missing: number;
  builtin: boolean;
}

export interface SegmentationPreset {
  name: string;
  description: string;
  features: FeatureSpec[];
}

/** Body of POST /api/v1/segmentations. */
export interface NewSegmentation {
  name: string;
  features: { name: string; kind: FeatureKind }[];
  preset?: string;
}
