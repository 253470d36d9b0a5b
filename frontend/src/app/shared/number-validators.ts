import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

const NUMBER_PATTERN = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Accepts text that parses as a finite number ("320.50", "1e3"); empty passes (use required). */
export const numberValidator: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const raw = control.value;
  if (raw === null || raw === undefined || raw === '') return null;
  const text = String(raw).trim();
  return NUMBER_PATTERN.test(text) && Number.isFinite(Number(text)) ? null : { number: true };
};

/** Minimum for text inputs holding numbers; non-numbers are left to numberValidator. */
export function minNumber(min: number): ValidatorFn {
  return (control) => {
    const raw = control.value;
    if (raw === null || raw === undefined || raw === '') return null;
    const value = Number(String(raw).trim());
    return Number.isFinite(value) && value < min ? { min: { min, actual: value } } : null;
  };
}

/** Human message for the first error on a control (the server's "api" message wins). */
export function errorMessage(control: AbstractControl | null, label: string): string {
  const errors = control?.errors;
  if (!errors) return '';
  if (errors['api']) return String(errors['api']);
  if (errors['required']) return `${label} is required.`;
  if (errors['number']) return `${label} must be a number.`;
  if (errors['integer']) return `${label} must be a whole number.`;
  if (errors['min']) return `${label} must be ${errors['min'].min} or more.`;
  if (errors['max']) return `${label} must be ${errors['max'].max} or less.`;
  if (errors['maxlength']) return `${label} is too long.`;
  if (errors['pattern']) return `${label} is not in the expected form.`;
  return `${label} is not valid.`;
}

/** Whole numbers only (for counts, ages and ids). */
export const integerValidator: ValidatorFn = (control) => {
  const raw = control.value;
  if (raw === null || raw === undefined || raw === '') return null;
  return Number.isInteger(Number(raw)) ? null : { integer: true };
};
