import { FormControl, FormGroup, Validators } from '@angular/forms';
import { ApiError } from '../core/api-error';
import { applyApiErrors, controlMessage } from './form-errors';

describe('applyApiErrors', () => {
  const form = () =>
    new FormGroup({
      name: new FormControl(''),
      spending: new FormGroup({ Travel: new FormControl(0) }),
    });

  it('puts each message on its control, nested paths too, and marks it touched', () => {
    const f = form();
    const result = applyApiErrors(
      f,
      new ApiError(422, 'x', { name: ['Taken.'], 'spending.Travel': ['Too high.'] }),
    );
    expect(result).toEqual({ placed: true, unplaced: '' });
    expect(f.controls.name.getError('api')).toBe('Taken.');
    expect(f.controls.spending.controls.Travel.getError('api')).toBe('Too high.');
    expect(f.controls.name.touched).toBe(true);
  });

  it('matches field names in any case and strips a row prefix, else tries the plain path', () => {
    const f = form();
    const error = new ApiError(422, 'x', { '0.NAME': ['Bad.'], 'spending.travel': ['High.'] });
    expect(applyApiErrors(f, error, { prefixes: ['0.'] }).placed).toBe(true);
    expect(f.controls.name.getError('api')).toBe('Bad.');
    expect(f.controls.spending.controls.Travel.getError('api')).toBe('High.');
  });

  it('returns what no field took, for the banner above the form', () => {
    const f = form();
    expect(applyApiErrors(f, new ApiError(422, 'x', { other: ['?'] }))).toEqual({
      placed: false,
      unplaced: '?',
    });
    expect(f.valid).toBe(true);
    expect(applyApiErrors(f, new ApiError(500, 'Server error.')).unplaced).toBe('Server error.');
  });

  it('puts a 409 without field messages on the conflicting field', () => {
    const f = form();
    const result = applyApiErrors(f, new ApiError(409, 'Name taken.'), { conflictField: 'name' });
    expect(result).toEqual({ placed: true, unplaced: '' });
    expect(controlMessage(f.controls.name, {})).toBe('Name taken.');
  });

  it("keeps the validators' errors next to the API's; controlMessage prefers the API's", () => {
    const control = new FormControl('', Validators.required);
    const f = new FormGroup({ name: control });
    applyApiErrors(f, new ApiError(422, 'x', { name: ['Taken.'] }));
    expect(control.hasError('required')).toBe(true);
    expect(controlMessage(control, { required: 'Required.' })).toBe('Taken.');
  });
});
