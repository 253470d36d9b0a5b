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
  created_at: string;
  finished_at: string | null;
}

export const FINISHED_IMPORT_STATUSES: readonly ImportStatus[] = ['succeeded', 'failed'];

export function isImportFinished(item: CustomerImport): boolean {
  return FINISHED_IMPORT_STATUSES.includes(item.status);
}
