import { Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { ROLE_LABELS } from './auth/auth.models';
import { AuthService } from './auth/auth.service';

/** Shown when a page needs a higher role than the signed-in user has. */
@Component({
  selector: 'app-forbidden',
  imports: [MatButtonModule, RouterLink],
  template: `
    <h1>Not allowed</h1>
    <p>
      This page needs a higher role than yours
      @if (auth.user(); as u) {
        ({{ labels[u.role] }})
      }
      . Ask an administrator if you need access.
    </p>
    <a mat-flat-button routerLink="/">Go to Predict</a>
  `,
})
export class ForbiddenComponent {
  protected readonly auth = inject(AuthService);
  protected readonly labels = ROLE_LABELS;
}
