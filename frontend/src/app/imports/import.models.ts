import { Schemas } from '../core/api/api-schemas';

/** Shapes of /api/v1/imports: a customer file loaded by a background job. */
export type CustomerImport = Schemas['Import'];

export type ImportStatus = CustomerImport['status'];

export const FINISHED_IMPORT_STATUSES: readonly ImportStatus[] = ['succeeded', 'failed'];

/** A rejects file can be downloaded. */
export function hasRejects(item: CustomerImport): boolean {
  return item.has_rejects ?? item.rejected > 0;
}

export function isImportFinished(item: CustomerImport): boolean {
  return FINISHED_IMPORT_STATUSES.includes(item.status);
}
