import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Role } from './auth.models';
import { AuthService } from './auth.service';

/** Signs the test user in the way the app does: /auth/me answers with that role. */
export function signInAs(role: Role, username = `test-${role}`): void {
  TestBed.inject(AuthService).loadMe().subscribe();
  TestBed.inject(HttpTestingController).expectOne('/api/v1/auth/me').flush({ username, role });
}
