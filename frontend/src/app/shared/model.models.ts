import { Schemas } from '../core/api/api-schemas';

/**
 * The active model of a segmentation and its segments (GET /api/v1/segmentation/model and
 * /segments): read by Predict, Segments and Training, so they live here.
 */
export type Profile = Record<string, number>;

export type ClusterMetrics = Schemas['Metrics'];

export type KCurvePoint = Schemas['KPoint'];

export type ActiveModel = Schemas['ModelInsight'];

export type Rfm = Schemas['Rfm'];

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

/** The document leaves `profile_detail`'s values open: one of the two details above. */
export type Segment = Omit<Schemas['Segment'], 'profile_detail'> & {
  profile_detail?: Record<string, FeatureDetail>;
};

export type SegmentsResponse = Omit<Schemas['SegmentList'], 'segments'> & { segments: Segment[] };

export function isCategoricalDetail(
  detail: FeatureDetail | undefined,
): detail is CategoricalDetail {
  return !!detail && 'shares' in detail;
}
