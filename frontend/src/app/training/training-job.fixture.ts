import { TrainingJob } from './training.models';

/** A training job for tests, queued unless changed. */
export function job(changes: Partial<TrainingJob> = {}): TrainingJob {
  return {
    id: 12,
    status: 'queued',
    stage: null,
    progress: 0,
    params: { k: null },
    trigger: 'api',
    created_at: '2026-11-22T10:00:00Z',
    started_at: null,
    finished_at: null,
    error: null,
    model_version: null,
    metrics: null,
    ...changes,
  };
}
