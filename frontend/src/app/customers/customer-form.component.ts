import { Component, computed, inject, input } from '@angular/core';
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
import { mutation } from '../shared/mutation';
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

  /** Route parameter :id; absent when adding a customer. */
  readonly id = input<string>();

  protected readonly isNew = computed(() => !this.id());
  private readonly customerResource = this.api.customerResource(this.id);
  /** The stored customer being edited (null while it loads, and when adding one). */
  protected readonly original = computed<Customer | null>(() =>
    this.id() && this.customerResource.hasValue() ? this.customerResource.value() : null,
  );
  protected readonly categories = computed<readonly string[]>(() => {
    const original = this.original();
    return original ? Object.keys(original.spending ?? {}) : DEFAULT_CATEGORIES;
  });
  protected readonly form = computed<CustomerForm>(() => {
    const original = this.original();
    return original ? formFor(original) : buildCustomerForm(DEFAULT_CATEGORIES);
  });
  protected readonly save = mutation();
  protected readonly error = computed<ApiError | null>(() => {
    const error = this.customerResource.error();
    return error ? asApiError(error) : this.save.error();
  });
  protected readonly genders = GENDERS;
  protected readonly educationLevels = EDUCATION_LEVELS;
  protected readonly label = featureLabel;

  message(control: AbstractControl | null, label: string): string {
    return errorMessage(control, label);
  }

  saveCustomer(): void {
    const form = this.form();
    this.save.clearError();
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
    this.save.run(request, {
      done: (saved) => {
        this.snackBar.open(`Customer ${saved.customer_id} saved.`, 'OK', { duration: 4000 });
        this.router.navigate(['/customers', saved.customer_id]);
      },
      failed: (error) => {
        applyApiErrors(form, error, { conflictField: 'customer_id' });
      },
    });
  }
}

/** The edit form, filled with the stored customer (its id cannot change). */
function formFor(customer: Customer): CustomerForm {
  const categories = Object.keys(customer.spending ?? {});
  const form = buildCustomerForm(categories.length ? categories : DEFAULT_CATEGORIES);
  form.patchValue({ ...customer, spending: customer.spending ?? {} });
  form.controls.customer_id.disable();
  return form;
}
