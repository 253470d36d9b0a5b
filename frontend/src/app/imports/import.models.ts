/** Shapes of /api/v1/imports: a customer file loaded by a background job. */
export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface CustomerImport {
  id: number;
  status: ImportStatus;
  filename: string;
  stage: string | null;
  /** 0..100 */
  progress: number;
  rows_total: number | null;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  columns: { name: string; type: string }[];
  /** Whether a rejects file exists (the server adds it; older answers leave it out). */
  has_rejects?: boolean;
  created_at: string;
  finished_at: string | null;
}

export const FINISHED_IMPORT_STATUSES: readonly ImportStatus[] = ['succeeded', 'failed'];

/** A rejects file can be downloaded. */
export function hasRejects(item: CustomerImport): boolean {
  return item.has_rejects ?? item.rejected > 0;
}

export function isImportFinished(item: CustomerImport): boolean {
  return FINISHED_IMPORT_STATUSES.includes(item.status);
}
