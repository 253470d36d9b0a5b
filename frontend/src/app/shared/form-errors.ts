import { AbstractControl, FormGroup } from '@angular/forms';
import { ApiError } from '../core/api-error';

export interface ApiErrorPlacement {
  /**
   * Path prefixes to strip, tried in order: predict-segment answers per row ("0.FIELD"), the
   * import form's errors come as "form.FIELD". '' (the plain path) is always tried last.
   */
  prefixes?: string[];
  /** The control a 409 without field messages concerns (e.g. a user name that is taken). */
  conflictField?: string;
}

export interface PlacedApiErrors {
  /** At least one message found its control. */
  placed: boolean;
  /** What no control took, to show above the form; '' when every message found its field. */
  unplaced: string;
}

/**
 * The one mapping of API errors onto a form: puts each field message on the control it
 * concerns as an `api` error (shown by `controlMessage`), marked touched. Field names match
 * case-insensitively (the API accepts feature names in any case).
 */
export function applyApiErrors(
  form: FormGroup,
  error: ApiError,
  { prefixes = [], conflictField }: ApiErrorPlacement = {},
): PlacedApiErrors {
  const unplaced: string[] = [];
  let placed = false;
  for (const [path, messages] of Object.entries(error.fieldErrors)) {
    const control = [...prefixes, '']
      .filter((prefix) => path.startsWith(prefix))
      .map((prefix) => findControl(form, path.slice(prefix.length)))
      .find((found) => found !== null);
    if (control && messages.length) {
      setApiError(control, messages[0]);
      placed = true;
    } else {
      unplaced.push(...messages);
    }
  }
  const conflict = conflictField ? form.get(conflictField) : null;
  if (error.status === 409 && conflict && !error.hasFieldErrors) {
    setApiError(conflict, error.message);
    return { placed: true, unplaced: '' };
  }
  if (unplaced.length) return { placed, unplaced: unplaced.join(' ') };
  return { placed, unplaced: error.hasFieldErrors ? '' : error.message };
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

/** `form.get(path)`, else the control whose dotted path equals `path` ignoring case. */
function findControl(form: FormGroup, path: string): AbstractControl | null {
  const exact = form.get(path);
  if (exact) return exact;
  let current: AbstractControl | null = form;
  for (const part of path.split('.')) {
    if (!(current instanceof FormGroup)) return null;
    const controls: Record<string, AbstractControl> = current.controls;
    const key = Object.keys(controls).find((k) => k.toLowerCase() === part.toLowerCase());
    current = key === undefined ? null : controls[key];
  }
  return current;
}
