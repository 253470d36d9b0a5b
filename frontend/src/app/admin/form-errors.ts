import { AbstractControl, FormGroup } from '@angular/forms';
import { ApiError } from '../core/api-error';

/**
 * Puts the API's messages next to the fields they concern: a 422's per-field messages, and a
 * 409 (e.g. "user name taken") on `conflictField`. Returns the message for anything that has
 * no field of its own, to show above the form, or '' when every message found its field.
 */
export function showApiErrors(form: FormGroup, error: ApiError, conflictField?: string): string {
  const unplaced: string[] = [];
  for (const [path, messages] of Object.entries(error.fieldErrors)) {
    const control = form.get(path);
    if (control && messages.length) {
      setApiError(control, messages[0]);
    } else {
      unplaced.push(...messages);
    }
  }
  const conflict = conflictField ? form.get(conflictField) : null;
  if (error.status === 409 && conflict && !error.hasFieldErrors) {
    setApiError(conflict, error.message);
    return '';
  }
  if (unplaced.length) return unplaced.join(' ');
  return error.hasFieldErrors ? '' : error.message;
}

export function setApiError(control: AbstractControl, message: string): void {
  control.setErrors({ ...control.errors, api: message });
  control.markAsTouched();
}

/** The message to show under a control: the API's, else the first matching validator's. */
export function controlMessage(
  control: AbstractControl | null,
  messages: Record<string, string>,
): string {
  const errors = control?.errors;
  if (!errors) return '';
  if (typeof errors['api'] === 'string') return errors['api'];
  const key = Object.keys(messages).find((k) => k in errors);
  return key ? messages[key] : '';
}
