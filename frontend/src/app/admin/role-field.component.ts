import { Component, input } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { ROLE_LABELS, Role } from '../core/auth/auth.models';
import { ROLES } from './admin.models';
import { controlMessage } from '../shared/form-errors';

/** The role a new user or API key gets: the API's roles, lowest first, and its message if any. */
@Component({
  selector: 'app-role-field',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatSelectModule],
  template: `
    <mat-form-field>
      <mat-label>Role</mat-label>
      <mat-select [id]="selectId()" [formControl]="control()">
        @for (role of roles; track role) {
          <mat-option [value]="role">{{ roleLabels[role] }}</mat-option>
        }
      </mat-select>
      <mat-error>{{ message() }}</mat-error>
    </mat-form-field>
  `,
})
export class RoleFieldComponent {
  readonly control = input.required<FormControl<Role>>();
  readonly selectId = input.required<string>();

  protected readonly roles = ROLES;
  protected readonly roleLabels = ROLE_LABELS;

  protected message(): string {
    return controlMessage(this.control(), {});
  }
}
