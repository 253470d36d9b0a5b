import { Schemas } from '../api/api-schemas';
import { featureKindValues } from '../api/schema';

/** Shapes of /api/v1/segmentations: a named set of features the service segments customers on. */
export type FeatureKind = Schemas['Feature']['kind'];

export const FEATURE_KINDS: readonly FeatureKind[] = featureKindValues;

/**
 * One feature of a segmentation (the model's `feature_specs` add the trained categories, and
 * `signed`: true when the feature had negative values in training, such as balances), with
 * the label `featureSpecsOf` fills in when the server gives none.
 */
export type FeatureSpec = Schemas['Feature'] & { label: string };

export type Segmentation = Schemas['Segmentation'];

/** The segmentation every existing caller means when it names none. */
export const DEFAULT_SEGMENTATION = 'lifestyle';
