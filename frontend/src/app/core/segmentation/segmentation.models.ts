/** Shapes of /api/v1/segmentations: a named set of features the service segments customers on. */
export type FeatureKind = 'money' | 'count' | 'ratio' | 'score' | 'binary' | 'categorical';

export const FEATURE_KINDS: readonly FeatureKind[] = [
  'money',
  'count',
  'ratio',
  'score',
  'binary',
  'categorical',
];

/** One feature of a segmentation (the model's `feature_specs` add the trained categories). */
export interface FeatureSpec {
  name: string;
  kind: FeatureKind;
  label: string;
  unit: string | null;
  categories?: string[];
  /**
   * Not in the contract yet: true when the feature had negative values in training (balances);
   * predict-segment refuses negative values for every other numeric feature.
   */
  signed?: boolean;
}

export interface Segmentation {
  name: string;
  preset: string | null;
  source: string | null;
  method: 'kmeans' | 'kprototypes';
  features: FeatureSpec[];
  active_model_version: number | null;
  created_at: string;
}

/** The segmentation every existing caller means when it names none. */
export const DEFAULT_SEGMENTATION = 'lifestyle';
