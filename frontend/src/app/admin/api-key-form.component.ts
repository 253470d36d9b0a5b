import { Component, ElementRef, inject, output, signal, viewChild } from '@angular/core';
import {
  FormControl,
  FormGroup,
  FormGroupDirective,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { Role } from '../core/auth/auth.models';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { mutation } from '../shared/mutation';
import { AdminApi } from './admin-api.service';
import { ApiKey } from './admin.models';
import { applyApiErrors, controlMessage } from '../shared/form-errors';
import { showNewApiKey } from './new-api-key-dialog.component';
import { RoleFieldComponent } from './role-field.component';

const MESSAGES = {
  required: 'Enter a name.',
  pattern: 'Enter a name.',
  maxlength: 'At most 80 characters.',
};

/**
 * Creates an API key and shows it once in a dialog. The key goes from the API's answer straight
 * into the dialog; only the row without it is handed on to the list.
 */
@Component({
  selector: 'app-api-key-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    ErrorBannerComponent,
    RoleFieldComponent,
  ],
  templateUrl: './api-key-form.component.html',
  styleUrl: './admin-forms.css',
})
export class ApiKeyFormComponent {
  private readonly api = inject(AdminApi);
  private readonly dialog = inject(MatDialog);
  private readonly nameInput = viewChild.required<ElementRef<HTMLInputElement>>('nameInput');
  private readonly formDirective = viewChild.required(FormGroupDirective);

  /** The new key's row, without the key. */
  readonly created = output<ApiKey>();

  protected readonly create = mutation();
  protected readonly error = signal('');
  protected readonly form = new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.pattern(/\S/), Validators.maxLength(80)],
    }),
    role: new FormControl<Role>('viewer', { nonNullable: true }),
  });

  createKey(): void {
    this.error.set('');
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.nameInput().nativeElement.focus();
      return;
    }
    const { name, role } = this.form.getRawValue();
    this.create.run(this.api.createApiKey({ name: name.trim(), role }), {
      done: ({ key, ...row }) => {
        this.formDirective().resetForm({ name: '', role: 'viewer' });
        this.created.emit(row);
        showNewApiKey(this.dialog, { ...row, key }).subscribe();
      },
      failed: (error) => {
        this.error.set(applyApiErrors(this.form, error).unplaced);
        return true;
      },
    });
  }

  protected message(): string {
    return controlMessage(this.form.controls.name, MESSAGES);
  }
}
