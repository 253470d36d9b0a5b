import { ApiError } from '../core/api-error';

/**
 * What to say when the active model of a segmentation could not be loaded. A 404 means no model
 * is active yet, unless the segmentation itself is unknown (a stale or mistyped link), in which
 * case the server's own words ("No segmentation named 'x'.") say it best.
 */
export function modelLoadMessage(error: ApiError, noModel: string): string {
  if (error.status !== 404 || /segmentation/i.test(error.message)) return error.message;
  return noModel;
}
