/** Shapes of /api/v1/segmentation/projection and segment edits. */
export interface ProjectionPoint {
  x: number;
  y: number;
  segment_id: number;
}

export interface ProjectionResponse {
  model_version: number;
  points: ProjectionPoint[];
  explained_variance: number[];
}

export interface SegmentChanges {
  name?: string;
  strategy?: string;
}
