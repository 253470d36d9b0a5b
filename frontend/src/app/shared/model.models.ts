import { FeatureSpec } from '../core/segmentation/segmentation.models';

/**
 * The active model of a segmentation and its segments (GET /api/v1/segmentation/model and
 * /segments): read by Predict, Segments and Training, so they live here.
 */
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
  /** Feature (column) names, in the model's order. */
  features: string[];
  /** Kind, label, unit and trained categories of each feature (older servers leave it out). */
  feature_specs?: FeatureSpec[];
  segmentation?: string;
  k_reason?: string;
  metrics: ClusterMetrics;
  k_curve: KCurvePoint[];
  training_seconds: number | null;
  n_train_rows: number | null;
  created_at: string;
  activated_at: string | null;
}

export interface Rfm {
  recency_days: number;
  frequency: number;
  monetary: number;
}

export interface NumericDetail {
  mean: number | null;
  median: number | null;
}

export interface CategoricalDetail {
  mode: string | null;
  /** Category -> share of the segment's members (0..1). */
  shares: Record<string, number>;
}

export type FeatureDetail = NumericDetail | CategoricalDetail;

export interface Segment {
  id: number;
  name: string;
  strategy: string;
  size: number;
  share: number;
  /** Members' means of the numeric features. */
  profile: Profile;
  relative_profile?: Profile;
  profile_detail?: Record<string, FeatureDetail>;
  rfm: Rfm | null;
  previous_size: number | null;
}

export interface SegmentsResponse {
  model_version: number;
  population_mean: Profile;
  segments: Segment[];
}

export function isCategoricalDetail(
  detail: FeatureDetail | undefined,
): detail is CategoricalDetail {
  return !!detail && 'shares' in detail;
}
