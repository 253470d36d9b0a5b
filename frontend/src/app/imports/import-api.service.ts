import { HttpClient, httpResource } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, exhaustMap, of, retry, takeWhile, timer } from 'rxjs';
import { CustomerImport, isImportFinished } from './import.models';

const BASE = '/api/v1/imports';

/** Where the rejected lines of an import are downloaded ("line,column,reason,..."). */
export function rejectsUrl(id: number): string {
  return `${BASE}/${id}/rejects.csv`;
}

/** Uploads customer files and follows their import jobs. */
@Injectable({ providedIn: 'root' })
export class ImportApi {
  private readonly http = inject(HttpClient);

  /** Sends the file as multipart form data; the server answers 202 with the queued import. */
  upload(file: File, idColumn?: string): Observable<CustomerImport> {
    const body = new FormData();
    body.append('file', file, file.name);
    if (idColumn?.trim()) body.append('id_column', idColumn.trim());
    return this.http.post<CustomerImport>(BASE, body);
  }

  get(id: number): Observable<CustomerImport> {
    return this.http.get<CustomerImport>(`${BASE}/${id}`);
  }

  recentResource() {
    return httpResource<{ items: CustomerImport[] }>(() => BASE);
  }

  /**
   * Emits the import every `intervalMs` until it has finished (that one is emitted too).
   * A few transient failures (a worker restart, a proxy hiccup) are retried.
   */
  watch(item: CustomerImport, intervalMs = 1000): Observable<CustomerImport> {
    if (isImportFinished(item)) return of(item);
    return timer(intervalMs, intervalMs).pipe(
      exhaustMap(() => this.get(item.id).pipe(retry({ count: 3, delay: intervalMs }))),
      takeWhile((current) => !isImportFinished(current), true),
    );
  }
}
