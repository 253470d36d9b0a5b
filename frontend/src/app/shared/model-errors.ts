import { ApiError } from '../core/api-error';

/**
 * What to say when the active model of a segmentation could not be loaded: `noModel` when the
 * API says none is active yet (reason `no_active_model`), else the server's own words (an
 * unknown segmentation: "No segmentation named 'x'.").
 */
export function modelLoadMessage(error: ApiError, noModel: string): string {
  return hasNoModel(error) ? noModel : error.message;
}

/** The API's answer for a segmentation without an active model. */
export function hasNoModel(error: ApiError | null | undefined): boolean {
  return error?.reason === 'no_active_model';
}
