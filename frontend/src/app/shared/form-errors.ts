import { AbstractControl, FormGroup } from '@angular/forms';
import { ApiError } from '../core/api-error';

/**
 * Puts each field message of an API error on the form control it concerns, as an `api` error
 * (shown by `errorMessage`) and returns true when at least one found its field. `prefix` skips
 * a leading path part: predict-segment answers per row, so its errors are keyed "0.FIELD".
 * Field names match case-insensitively (the API accepts feature names in any case).
 */
export function applyApiErrors(form: FormGroup, error: ApiError, prefix = ''): boolean {
  let placed = false;
  for (const [path, messages] of Object.entries(error.fieldErrors)) {
    if (prefix && !path.startsWith(prefix)) continue;
    const control = findControl(form, path.slice(prefix.length));
    if (control && messages.length) {
      control.setErrors({ api: messages[0] });
      control.markAsTouched();
      placed = true;
    }
  }
  return placed;
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
