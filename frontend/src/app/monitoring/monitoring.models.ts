/** Shapes of GET /api/v1/monitoring/overview (drift history, segment sizes, job outcomes). */
export type DriftStatus = 'stable' | 'shifted' | 'drifted';

export interface FeatureDrift {
  feature: string;
  psi: number;
  status: DriftStatus;
  training_mean: number | null;
  current_mean: number | null;
}

export interface DriftCheck {
  id: number;
  checked_at: string;
  trigger: string;
  model_version: number;
  n_customers: number;
  max_psi: number;
  segment_psi: number;
  threshold: number;
  drifted: boolean;
  features: FeatureDrift[];
  segments: { id: number; name: string; training_share: number; current_share: number }[];
  training_run_id: number | null;
}

export interface VersionSizes {
  version: number;
  status: string;
  is_active: boolean;
  created_at: string;
  segments: { id: number; name: string; size: number; share: number }[];
}

export interface JobOutcome {
  id: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'rejected';
  trigger: string;
  created_at: string;
  finished_at: string | null;
  seconds: number | null;
  error: string | null;
  model_version: number | null;
}

export interface MonitoringOverview {
  segmentation: string;
  threshold: number;
  /** DRIFT_SCHEDULE (cron); null when the scheduled check is off. */
  schedule: string | null;
  /** Drift checks, oldest first. */
  items: DriftCheck[];
  /** Segment sizes at training of the latest model versions, oldest first. */
  versions: VersionSizes[];
  /** Latest training jobs, newest first. */
  jobs: JobOutcome[];
}
