import { Component, ElementRef, inject, output, signal, viewChild } from '@angular/core';
import {
  FormControl,
  FormGroup,
  FormGroupDirective,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { Role } from '../core/auth/auth.models';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { mutation } from '../shared/mutation';
import { AdminApi } from './admin-api.service';
import { StaffUser } from './admin.models';
import { applyApiErrors, controlMessage } from '../shared/form-errors';
import { RoleFieldComponent } from './role-field.component';

type Field = 'username' | 'password';

/** The API's rules (UserCreateSchema), checked here first so mistakes show at once. */
const MESSAGES: Record<Field, Record<string, string>> = {
  username: {
    required: 'Enter a user name.',
    minlength: 'At least 3 characters.',
    maxlength: 'At most 64 characters.',
    pattern: 'Lower-case letters, digits, . _ - only.',
  },
  password: {
    required: 'Enter a password.',
    minlength: 'At least 12 characters.',
    maxlength: 'At most 256 characters.',
  },
};

/** Adds a staff account; a taken user name or the API's rules show under the field. */
@Component({
  selector: 'app-user-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    ErrorBannerComponent,
    RoleFieldComponent,
  ],
  templateUrl: './user-form.component.html',
  styleUrl: './admin-forms.css',
})
export class UserFormComponent {
  private readonly api = inject(AdminApi);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly formDirective = viewChild.required(FormGroupDirective);

  readonly created = output<StaffUser>();

  protected readonly create = mutation();
  protected readonly error = signal('');
  protected readonly showPassword = signal(false);
  protected readonly form = new FormGroup({
    username: new FormControl('', {
      nonNullable: true,
      validators: [
        Validators.required,
        Validators.minLength(3),
        Validators.maxLength(64),
        Validators.pattern(/^[a-z0-9._-]+$/),
      ],
    }),
    password: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.minLength(12), Validators.maxLength(256)],
    }),
    role: new FormControl<Role>('viewer', { nonNullable: true }),
  });

  createUser(): void {
    this.error.set('');
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.focusFirstInvalid();
      return;
    }
    this.create.run(this.api.createUser(this.form.getRawValue()), {
      done: (user) => {
        this.showPassword.set(false);
        this.formDirective().resetForm({ username: '', password: '', role: 'viewer' });
        this.created.emit(user);
      },
      failed: (error) => {
        this.error.set(applyApiErrors(this.form, error, { conflictField: 'username' }).unplaced);
        this.focusFirstInvalid();
        return true;
      },
    });
  }

  togglePassword(): void {
    this.showPassword.update((shown) => !shown);
  }

  protected message(field: Field): string {
    return controlMessage(this.form.get(field), MESSAGES[field]);
  }

  private focusFirstInvalid(): void {
    const field = (['username', 'password'] as const).find((f) => this.form.controls[f].invalid);
    if (field) this.host.nativeElement.querySelector<HTMLElement>(`#new-user-${field}`)?.focus();
  }
}
