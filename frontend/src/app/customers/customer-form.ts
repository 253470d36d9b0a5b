import { FormControl, FormGroup, Validators } from '@angular/forms';
import { integerValidator } from '../shared/number-validators';
import { Customer, CustomerWrite, EducationLevel, Gender } from './customer.models';

type NumberControl = FormControl<number | null>;

export type CustomerForm = FormGroup<{
  customer_id: FormControl<string | null>;
  age: NumberControl;
  gender: FormControl<Gender | null>;
  monthly_income: NumberControl;
  account_balance: NumberControl;
  loyalty_score: NumberControl;
  education_level: FormControl<EducationLevel | null>;
  has_loan: FormControl<boolean>;
  online_interactions: NumberControl;
  branch_visits: NumberControl;
  call_center_calls: NumberControl;
  spending: FormGroup<Record<string, NumberControl>>;
}>;

const count = () =>
  new FormControl<number | null>(0, [Validators.required, Validators.min(0), integerValidator]);

/** The customer form: same rules as the API so most mistakes are caught before sending. */
export function buildCustomerForm(categories: readonly string[]): CustomerForm {
  const spending: Record<string, NumberControl> = {};
  for (const category of categories) {
    spending[category] = new FormControl<number | null>(0, [
      Validators.required,
      Validators.min(0),
    ]);
  }
  return new FormGroup({
    customer_id: new FormControl<string | null>(null, [
      Validators.required,
      Validators.maxLength(64),
      Validators.pattern(/^\S+$/),
    ]),
    age: new FormControl<number | null>(null, [
      Validators.required,
      Validators.min(18),
      Validators.max(120),
      integerValidator,
    ]),
    gender: new FormControl<Gender | null>(null, Validators.required),
    monthly_income: new FormControl<number | null>(null, [Validators.required, Validators.min(0)]),
    account_balance: new FormControl<number | null>(null, Validators.required),
    loyalty_score: new FormControl<number | null>(500, [
      Validators.required,
      Validators.min(1),
      Validators.max(1000),
      integerValidator,
    ]),
    education_level: new FormControl<EducationLevel | null>(null, Validators.required),
    has_loan: new FormControl(false, { nonNullable: true }),
    online_interactions: count(),
    branch_visits: count(),
    call_center_calls: count(),
    spending: new FormGroup(spending),
  });
}

/** The form's value as the API's writable customer. */
export function toCustomerWrite(form: CustomerForm): CustomerWrite {
  return form.getRawValue() as CustomerWrite;
}

/**
 * Only the fields that differ from the stored customer, for PATCH. Spending is one field:
 * if any category changed, all categories are sent so replace and merge semantics agree.
 */
export function changedFields(original: Customer, edited: CustomerWrite): Partial<CustomerWrite> {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(edited) as [keyof CustomerWrite, unknown][]) {
    if (key === 'customer_id') continue;
    if (key === 'spending') {
      const before = original.spending ?? {};
      const after = value as Record<string, number>;
      if (Object.keys(after).some((c) => Number(after[c]) !== Number(before[c]))) {
        changes['spending'] = { ...after };
      }
    } else if (value !== original[key]) {
      changes[key] = value;
    }
  }
  return changes as Partial<CustomerWrite>;
}
