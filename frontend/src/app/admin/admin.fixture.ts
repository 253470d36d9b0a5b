import { ApiKey, NewApiKey, StaffUser } from './admin.models';

/** Rows as the API sends them, for the admin specs. */
export const ADMIN_USER: StaffUser = {
  id: 1,
  username: 'test-admin',
  role: 'admin',
  disabled: false,
  locked_until: null,
  created_at: '2026-11-01T08:00:00+00:00',
  last_login_at: '2026-11-23T06:00:00+00:00',
};

export const ANALYST_USER: StaffUser = {
  id: 2,
  username: 'alice',
  role: 'analyst',
  disabled: false,
  locked_until: null,
  created_at: '2026-11-02T09:30:00+00:00',
  last_login_at: null,
};

export const API_KEY: ApiKey = {
  id: 7,
  name: 'CRM nightly sync',
  role: 'viewer',
  prefix: 'a1b2c3d4',
  created_at: '2026-11-10T10:00:00+00:00',
  last_used_at: '2026-11-22T23:15:00+00:00',
  revoked_at: null,
};

export const NEW_API_KEY: NewApiKey = {
  id: 8,
  name: 'Branch kiosk',
  role: 'analyst',
  prefix: 'feedbeef',
  created_at: '2026-11-23T06:10:00+00:00',
  last_used_at: null,
  revoked_at: null,
  key: 'seg_feedbeef_Zm9vYmFyYmF6cXV4LXNob3duLW9uY2Utb25seQ',
};
