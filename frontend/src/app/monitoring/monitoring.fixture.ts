import { DriftCheck, MonitoringOverview } from './monitoring.models';

export function driftCheck(id: number, maxPsi: number, checkedAt: string): DriftCheck {
  return {
    id,
    checked_at: checkedAt,
    trigger: 'schedule',
    model_version: 2,
    n_customers: 4000,
    max_psi: maxPsi,
    segment_psi: 0.01,
    threshold: 0.25,
    drifted: maxPsi >= 0.25,
    features: [
      { feature: 'Travel', psi: maxPsi, status: 'stable', training_mean: 10, current_mean: 12 },
      { feature: 'Dining', psi: 0.02, status: 'stable', training_mean: 5, current_mean: 5 },
    ],
    segments: [{ id: 1, name: 'Savers', training_share: 0.5, current_share: 0.5 }],
    training_run_id: null,
  };
}

export const OVERVIEW: MonitoringOverview = {
  segmentation: 'lifestyle',
  threshold: 0.25,
  schedule: '30 2 * * *',
  items: [driftCheck(1, 0.03, '2026-11-20T02:30:00Z'), driftCheck(2, 0.41, '2026-11-21T02:30:00Z')],
  versions: [
    {
      version: 1,
      status: 'retired',
      is_active: false,
      created_at: '2026-11-01T00:00:00Z',
      segments: [
        { id: 1, name: 'Savers', size: 600, share: 0.6 },
        { id: 2, name: 'Travellers', size: 400, share: 0.4 },
      ],
    },
    {
      version: 2,
      status: 'active',
      is_active: true,
      created_at: '2026-11-10T00:00:00Z',
      segments: [
        { id: 1, name: 'Savers', size: 500, share: 0.5 },
        { id: 2, name: 'Travellers', size: 300, share: 0.3 },
        { id: 3, name: 'Diners', size: 200, share: 0.2 },
      ],
    },
  ],
  jobs: [
    {
      id: 7,
      status: 'failed',
      trigger: 'drift',
      created_at: '2026-11-21T02:31:00Z',
      finished_at: '2026-11-21T02:32:00Z',
      seconds: 75,
      error: 'OSError: disk full',
      model_version: null,
    },
    {
      id: 6,
      status: 'succeeded',
      trigger: 'api',
      created_at: '2026-11-10T00:00:00Z',
      finished_at: '2026-11-10T00:00:12Z',
      seconds: 12.4,
      error: null,
      model_version: 2,
    },
  ],
};
