import { FormControl, FormGroup, ValidatorFn, Validators } from '@angular/forms';
import { FeatureSpec } from '../core/segmentation/segmentation.models';
import { isNumericKind } from '../shared/feature-format';
import { integerValidator, minNumber, numberValidator } from '../shared/number-validators';
import { FeatureValues } from './predict.models';

export type FeatureForm = FormGroup<Record<string, FormControl<string>>>;

/**
 * What the client can check per kind before asking the server (which checks everything):
 * numbers, whole counts, and no negative value unless the feature is signed (as the server).
 */
function validatorsFor(spec: FeatureSpec): ValidatorFn[] {
  if (spec.kind === 'categorical' || spec.kind === 'binary') return [Validators.required];
  const validators: ValidatorFn[] = [Validators.required, numberValidator];
  if (!spec.signed) validators.push(minNumber(0));
  if (spec.kind === 'count') validators.push(integerValidator);
  return validators;
}

/** One control per feature, named like the feature; categorical and binary ones hold a choice. */
export function buildFeatureForm(specs: FeatureSpec[]): FeatureForm {
  const controls: Record<string, FormControl<string>> = {};
  for (const spec of specs) {
    controls[spec.name] = new FormControl('', {
      nonNullable: true,
      validators: validatorsFor(spec),
    });
  }
  return new FormGroup(controls);
}

/** The body predict-segment expects: numbers for numeric kinds, the category text otherwise. */
export function featureValues(form: FeatureForm, specs: FeatureSpec[]): FeatureValues {
  const raw = form.getRawValue();
  return Object.fromEntries(
    specs.map((s) => [
      s.name,
      isNumericKind(s.kind) ? Number(String(raw[s.name]).trim()) : raw[s.name],
    ]),
  );
}
