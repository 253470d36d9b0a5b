import { Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import {
  MAT_DIALOG_DATA,
  MatDialog,
  MatDialogModule,
  MatDialogRef,
} from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { Observable, map } from 'rxjs';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { mutation } from '../shared/mutation';
import { AdminApi } from './admin-api.service';
import { StaffUser } from './admin.models';
import { controlMessage, setApiError } from '../shared/form-errors';

const MESSAGES: Record<string, string> = {
  required: 'Enter a password.',
  minlength: 'At least 12 characters.',
  maxlength: 'At most 256 characters.',
};

/** Sets a new password for another staff member; the API's answer shows in the dialog. */
@Component({
  selector: 'app-set-password-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    ErrorBannerComponent,
  ],
  template: `
    <h2 mat-dialog-title>Set a new password for {{ user.username }}</h2>
    <form [formGroup]="form" (ngSubmit)="setPassword()" novalidate>
      <mat-dialog-content>
        <p>Their current sessions end; tell them the new password by a safe channel.</p>
        @if (save.error(); as e) {
          <app-error-banner [message]="e.message" />
        }
        <mat-form-field class="full">
          <mat-label>New password</mat-label>
          <input
            matInput
            id="set-password"
            formControlName="password"
            [type]="showPassword() ? 'text' : 'password'"
            autocomplete="new-password"
            required
            cdkFocusInitial
          />
          <button
            mat-icon-button
            matSuffix
            type="button"
            (click)="showPassword.set(!showPassword())"
            [attr.aria-label]="showPassword() ? 'Hide password' : 'Show password'"
            [attr.aria-pressed]="showPassword()"
          >
            <mat-icon>{{ showPassword() ? 'visibility_off' : 'visibility' }}</mat-icon>
          </button>
          <mat-hint>At least 12 characters.</mat-hint>
          <mat-error>{{ message() }}</mat-error>
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="save.pending()">Set password</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .full {
      width: 100%;
    }
  `,
})
export class SetPasswordDialogComponent {
  protected readonly user = inject<StaffUser>(MAT_DIALOG_DATA);
  private readonly api = inject(AdminApi);
  private readonly dialogRef =
    inject<MatDialogRef<SetPasswordDialogComponent, boolean>>(MatDialogRef);

  private readonly password = new FormControl('', {
    nonNullable: true,
    validators: [Validators.required, Validators.minLength(12), Validators.maxLength(256)],
  });
  protected readonly form = new FormGroup({ password: this.password });
  protected readonly save = mutation();
  protected readonly showPassword = signal(false);

  setPassword(): void {
    this.save.clearError();
    if (this.password.invalid) {
      this.password.markAsTouched();
      return;
    }
    this.save.run(this.api.updateUser(this.user.id, { password: this.password.value }), {
      done: () => this.dialogRef.close(true),
      failed: (error) => {
        const message = error.fieldMessage('password');
        if (message) setApiError(this.password, message);
        return !!message;
      },
    });
  }

  protected message(): string {
    return controlMessage(this.password, MESSAGES);
  }
}

/** Opens the dialog; emits true once the new password is set. */
export function setUserPassword(dialog: MatDialog, user: StaffUser): Observable<boolean> {
  return dialog
    .open(SetPasswordDialogComponent, { data: user, width: '460px' })
    .afterClosed()
    .pipe(map((done) => done === true));
}
