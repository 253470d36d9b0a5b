import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AdminApi } from './admin-api.service';
import { ANALYST_USER, API_KEY, NEW_API_KEY } from './admin.fixture';
import { ApiKey, StaffUser } from './admin.models';

describe('AdminApi', () => {
  let api: AdminApi;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    api = TestBed.inject(AdminApi);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('lists staff accounts from the items envelope', () => {
    let users: StaffUser[] = [];
    api.listUsers().subscribe((list) => (users = list));
    const req = backend.expectOne('/api/v1/auth/users');
    expect(req.request.method).toBe('GET');
    req.flush({ items: [ANALYST_USER] });

    expect(users).toEqual([ANALYST_USER]);
  });

  it('creates a user with name, password and role', () => {
    let created: StaffUser | undefined;
    api
      .createUser({ username: 'alice', password: 'long-enough-pass', role: 'analyst' })
      .subscribe((user) => (created = user));
    const req = backend.expectOne('/api/v1/auth/users');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({
      username: 'alice',
      password: 'long-enough-pass',
      role: 'analyst',
    });
    req.flush(ANALYST_USER, { status: 201, statusText: 'Created' });

    expect(created).toEqual(ANALYST_USER);
  });

  it('PATCHes only the fields that change, and deletes a user', () => {
    api.updateUser(2, { disabled: true }).subscribe();
    const patch = backend.expectOne('/api/v1/auth/users/2');
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ disabled: true });
    patch.flush({ ...ANALYST_USER, disabled: true });

    api.updateUser(2, { role: 'viewer' }).subscribe();
    const role = backend.expectOne('/api/v1/auth/users/2');
    expect(role.request.body).toEqual({ role: 'viewer' });
    role.flush({ ...ANALYST_USER, role: 'viewer' });

    let deleted = false;
    api.deleteUser(2).subscribe({ complete: () => (deleted = true) });
    const del = backend.expectOne('/api/v1/auth/users/2');
    expect(del.request.method).toBe('DELETE');
    del.flush(null, { status: 204, statusText: 'No Content' });
    expect(deleted).toBe(true);
  });

  it('lists API keys and creates one, whose answer carries the key', () => {
    let keys: ApiKey[] = [];
    api.listApiKeys().subscribe((list) => (keys = list));
    const list = backend.expectOne('/api/v1/auth/api-keys');
    expect(list.request.method).toBe('GET');
    list.flush({ items: [API_KEY] });
    expect(keys).toEqual([API_KEY]);

    let key = '';
    api.createApiKey({ name: 'Branch kiosk', role: 'analyst' }).subscribe((k) => (key = k.key));
    const create = backend.expectOne('/api/v1/auth/api-keys');
    expect(create.request.method).toBe('POST');
    expect(create.request.body).toEqual({ name: 'Branch kiosk', role: 'analyst' });
    create.flush(NEW_API_KEY, { status: 201, statusText: 'Created' });
    expect(key).toBe(NEW_API_KEY.key);
  });

  it('revokes a key with DELETE and returns the row with revoked_at', () => {
    let revoked: ApiKey | undefined;
    api.revokeApiKey(7).subscribe((row) => (revoked = row));
    const req = backend.expectOne('/api/v1/auth/api-keys/7');
    expect(req.request.method).toBe('DELETE');
    req.flush({ ...API_KEY, revoked_at: '2026-11-23T06:20:00+00:00' });

    expect(revoked?.revoked_at).toBe('2026-11-23T06:20:00+00:00');
  });
});
