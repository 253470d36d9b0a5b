import { Schemas } from '../core/api/api-schemas';

/** Shapes of POST /api/v1/segmentation/predict-segment. */
export type SegmentRef = Schemas['SegmentRef'];

export type PredictionResponse = Schemas['PredictResponse'];

/** One customer's features: numbers for numeric kinds, a trained category for categorical ones. */
export type FeatureValues = Record<string, number | string>;
