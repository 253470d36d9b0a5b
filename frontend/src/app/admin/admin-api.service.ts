import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import {
  ApiKey,
  ApiKeyCreate,
  ItemList,
  NewApiKey,
  StaffUser,
  StaffUserChange,
  StaffUserCreate,
} from './admin.models';

const BASE = '/api/v1/auth';

/** Typed client for the admin-only staff-account and API-key operations. */
@Injectable({ providedIn: 'root' })
export class AdminApi {
  private readonly http = inject(HttpClient);

  listUsers(): Observable<StaffUser[]> {
    return this.http.get<ItemList<StaffUser>>(`${BASE}/users`).pipe(map((list) => list.items));
  }

  createUser(user: StaffUserCreate): Observable<StaffUser> {
    return this.http.post<StaffUser>(`${BASE}/users`, user);
  }

  updateUser(id: number, changes: StaffUserChange): Observable<StaffUser> {
    return this.http.patch<StaffUser>(`${BASE}/users/${id}`, changes);
  }

  deleteUser(id: number): Observable<void> {
    return this.http.delete<void>(`${BASE}/users/${id}`);
  }

  listApiKeys(): Observable<ApiKey[]> {
    return this.http.get<ItemList<ApiKey>>(`${BASE}/api-keys`).pipe(map((list) => list.items));
  }

  /** The answer carries the key itself; the caller shows it once and must not keep it. */
  createApiKey(key: ApiKeyCreate): Observable<NewApiKey> {
    return this.http.post<NewApiKey>(`${BASE}/api-keys`, key);
  }

  /** Revoking keeps the row (for the audit trail) with `revoked_at` set. */
  revokeApiKey(id: number): Observable<ApiKey> {
    return this.http.delete<ApiKey>(`${BASE}/api-keys/${id}`);
  }
}
