/** Shapes of GET /api/v1/monitoring/overview (drift history, segment sizes, job outcomes), from the API's OpenAPI document. */
import { Schemas } from '../core/api/api-schemas';

export type FeatureDrift = Schemas['FeatureDrift'];
export type DriftStatus = FeatureDrift['status'];
export type DriftCheck = Schemas['DriftCheck'];
export type VersionSizes = Schemas['VersionSizes'];
export type JobOutcome = Schemas['JobOutcome'];
export type MonitoringOverview = Schemas['Overview'];
