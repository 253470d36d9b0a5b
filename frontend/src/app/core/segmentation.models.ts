/** Shapes of the /api/v1/segmentation endpoints. */
export type Profile = Record<string, number>;

export interface ClusterMetrics {
  silhouette: number | null;
  inertia: number | null;
  davies_bouldin: number | null;
  calinski_harabasz: number | null;
}

export interface KCurvePoint extends ClusterMetrics {
  k: number;
}

export interface ActiveModel {
  version: number;
  k: number;
  features: string[];
  metrics: ClusterMetrics;
  k_curve: KCurvePoint[];
  training_seconds: number | null;
  n_train_rows: number | null;
  created_at: string;
  activated_at: string | null;
}

export interface SegmentRef {
  id: number;
  name: string;
  strategy?: string;
}

export interface PredictionResponse {
  predictions: number[];
  segments: SegmentRef[];
  model_version: number;
}

export interface Rfm {
  recency_days: number;
  frequency: number;
  monetary: number;
}

export interface Segment {
  id: number;
  name: string;
  strategy: string;
  size: number;
  share: number;
  profile: Profile;
  relative_profile: Profile;
  rfm: Rfm | null;
  previous_size: number | null;
}

export interface SegmentsResponse {
  model_version: number;
  population_mean: Profile;
  segments: Segment[];
}

export interface ProjectionPoint {
  x: number;
  y: number;
  segment_id: number;
}

export interface ProjectionResponse {
  model_version: number;
  points: ProjectionPoint[];
  explained_variance: number[];
}

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
