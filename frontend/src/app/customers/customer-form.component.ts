import { Component, DestroyRef, computed, effect, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { AbstractControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import { Observable } from 'rxjs';
import { ApiError, asApiError } from '../core/api-error';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { applyApiErrors } from '../shared/form-errors';
import { errorMessage } from '../shared/number-validators';
import { featureLabel } from '../shared/palette';
import { CustomerApi } from './customer-api.service';
import { CustomerForm, buildCustomerForm, changedFields, toCustomerWrite } from './customer-form';
import { Customer, DEFAULT_CATEGORIES, EDUCATION_LEVELS, GENDERS } from './customer.models';

/** Add a customer (/customers/new) or edit one (/customers/:id/edit). */
@Component({
  selector: 'app-customer-form',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ErrorBannerComponent,
  ],
  templateUrl: './customer-form.component.html',
  styleUrl: './customer-form.component.css',
})
export class CustomerFormComponent {
  private readonly api = inject(CustomerApi);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);
  private readonly destroyRef = inject(DestroyRef);

  /** Route parameter :id; absent when adding a customer. */
  readonly id = input<string>();

  protected readonly isNew = computed(() => !this.id());
  protected readonly original = signal<Customer | null>(null);
  protected readonly categories = signal<readonly string[]>(DEFAULT_CATEGORIES);
  protected readonly form = signal<CustomerForm>(buildCustomerForm(DEFAULT_CATEGORIES));
  protected readonly error = signal<ApiError | null>(null);
  protected readonly saving = signal(false);
  protected readonly genders = GENDERS;
  protected readonly educationLevels = EDUCATION_LEVELS;
  protected readonly label = featureLabel;

  constructor() {
    effect(() => {
      const id = this.id();
      if (id) this.load(id);
    });
  }

  message(control: AbstractControl | null, label: string): string {
    return errorMessage(control, label);
  }

  saveCustomer(): void {
    const form = this.form();
    this.error.set(null);
    if (form.invalid) {
      form.markAllAsTouched();
      return;
    }
    const value = toCustomerWrite(form);
    const original = this.original();
    let request: Observable<Customer>;
    if (original) {
      const changes = changedFields(original, value);
      if (!Object.keys(changes).length) {
        this.router.navigate(['/customers', original.customer_id]);
        return;
      }
      request = this.api.update(original.customer_id, changes);
    } else {
      request = this.api.create(value);
    }
    this.saving.set(true);
    request.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.snackBar.open(`Customer ${saved.customer_id} saved.`, 'OK', { duration: 4000 });
        this.router.navigate(['/customers', saved.customer_id]);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.showApiError(asApiError(error));
      },
    });
  }

  private load(id: string): void {
    this.api
      .get(id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (customer) => {
          const categories = Object.keys(customer.spending ?? {});
          const form = buildCustomerForm(categories.length ? categories : DEFAULT_CATEGORIES);
          form.patchValue({ ...customer, spending: customer.spending ?? {} });
          form.controls.customer_id.disable();
          this.categories.set(categories);
          this.original.set(customer);
          this.form.set(form);
        },
        error: (error: unknown) => this.error.set(asApiError(error)),
      });
  }

  private showApiError(error: ApiError): void {
    const form = this.form();
    applyApiErrors(form, error);
    if (error.status === 409) form.controls.customer_id.setErrors({ api: error.message });
    this.error.set(error);
  }
}
