/** Shapes of POST /api/v1/segmentation/predict-segment. */
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

/** One customer's features: numbers for numeric kinds, a trained category for categorical ones. */
export type FeatureValues = Record<string, number | string>;
