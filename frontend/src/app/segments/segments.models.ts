import { Schemas } from '../core/api/api-schemas';

/** Shapes of /api/v1/segmentation/projection and segment edits. */
export type ProjectionPoint = Schemas['Point'];

export type ProjectionResponse = Schemas['Projection'];

export type SegmentChanges = Schemas['SegmentPatch'];
