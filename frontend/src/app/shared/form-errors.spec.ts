import { FormControl, FormGroup } from '@angular/forms';
import { ApiError } from '../core/api-error';
import { applyApiErrors } from './form-errors';

describe('applyApiErrors', () => {
  const form = () =>
    new FormGroup({
      name: new FormControl(''),
      spending: new FormGroup({ Travel: new FormControl(0) }),
    });

  it('puts each message on its control, nested paths too, and marks it touched', () => {
    const f = form();
    const placed = applyApiErrors(
      f,
      new ApiError(422, 'x', { name: ['Taken.'], 'spending.Travel': ['Too high.'] }),
    );
    expect(placed).toBe(true);
    expect(f.controls.name.getError('api')).toBe('Taken.');
    expect(f.controls.spending.controls.Travel.getError('api')).toBe('Too high.');
    expect(f.controls.name.touched).toBe(true);
  });

  it('matches field names in any case and strips a row prefix', () => {
    const f = form();
    expect(applyApiErrors(f, new ApiError(422, 'x', { '0.NAME': ['Bad.'] }), '0.')).toBe(true);
    expect(f.controls.name.getError('api')).toBe('Bad.');
  });

  it('reports when no message found a field', () => {
    const f = form();
    expect(applyApiErrors(f, new ApiError(422, 'x', { other: ['?'] }))).toBe(false);
    expect(f.valid).toBe(true);
  });
});
