import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { Observable, catchError, finalize, of, shareReplay, tap } from 'rxjs';
import { Credentials, Role, User, hasRole } from './auth.models';

const BASE = '/api/v1/auth';

/**
 * Who is signed in. The session itself is an HttpOnly cookie the browser sends; this service
 * only knows the user name and role the API reported (from sign-in or /auth/me).
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly current = signal<User | null>(null);
  private known = false;
  private pending?: Observable<User | null>;

  readonly user = this.current.asReadonly();
  readonly isSignedIn = computed(() => this.current() !== null);
  readonly isAnalyst = computed(() => this.can('analyst'));
  readonly isAdmin = computed(() => this.can('admin'));

  /** True when the signed-in user has `role` or a higher one (reactive in templates). */
  can(role: Role): boolean {
    const user = this.current();
    return !!user && hasRole(user.role, role);
  }

  login(credentials: Credentials): Observable<User> {
    return this.http
      .post<User>(`${BASE}/login`, credentials)
      .pipe(tap((user) => this.remember(user)));
  }

  /** Ends the session; the local user is forgotten even if the server call fails. */
  logout(): Observable<void> {
    return this.http.post<void>(`${BASE}/logout`, {}).pipe(finalize(() => this.clear()));
  }

  /** Asks the API who the session belongs to; a 401 (or any failure) means signed out. */
  loadMe(): Observable<User | null> {
    this.pending ??= this.http.get<User>(`${BASE}/me`).pipe(
      catchError(() => of(null)),
      tap((user) => (user ? this.remember(user) : this.clear())),
      finalize(() => (this.pending = undefined)),
      shareReplay(1),
    );
    return this.pending;
  }

  /** The user once known: asks /auth/me the first time only (route guards use this). */
  whenKnown(): Observable<User | null> {
    return this.known ? of(this.current()) : this.loadMe();
  }

  /** Forgets the user locally (the session has ended or expired). */
  clear(): void {
    this.known = true;
    this.current.set(null);
  }

  private remember(user: User): void {
    this.known = true;
    this.current.set({ username: user.username, role: user.role });
  }
}
