import { FeatureKind, FeatureSpec } from '../core/segmentation/segmentation.models';
import { ActiveModel } from './model.models';
import { featureLabel } from './palette';

const CURRENCY_SYMBOLS: Record<string, string> = {
  '€': '€',
  EUR: '€',
  $: '$',
  USD: '$',
  '£': '£',
  GBP: '£',
};

export const NUMERIC_KINDS: readonly FeatureKind[] = ['money', 'count', 'ratio', 'score', 'binary'];

export function isNumericKind(kind: FeatureKind): boolean {
  return kind !== 'categorical';
}

/**
 * The model's features with kind, label and unit. A server without `feature_specs` (today's
 * lifestyle model) gets money features labelled from their names, as the app always showed them.
 */
export function featureSpecsOf(model: ActiveModel): FeatureSpec[] {
  if (model.feature_specs?.length) {
    return model.feature_specs.map((spec) => ({
      ...spec,
      label: spec.label || featureLabel(spec.name),
    }));
  }
  return fallbackSpecs(model.features);
}

/** Money features labelled from their names: what the app assumed before feature specs existed. */
export function fallbackSpecs(names: string[]): FeatureSpec[] {
  return names.map((name) => ({ name, kind: 'money', label: featureLabel(name), unit: '€' }));
}

/** "€" before the number for currencies; other units ("days", "%") after it. */
export function unitPrefix(unit: string | null | undefined): string {
  return unit ? (CURRENCY_SYMBOLS[unit.trim()] ?? '') : '';
}

export function unitSuffix(unit: string | null | undefined): string {
  return unit && !unitPrefix(unit) ? unit.trim() : '';
}

/** A value with its unit: "€1,250.00", "12 days", "0.42". */
export function formatValue(value: number | null | undefined, unit?: string | null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits });
  const prefix = unitPrefix(unit);
  const suffix = unitSuffix(unit);
  return `${prefix}${text}${suffix ? ' ' + suffix : ''}`;
}

/** Title for a value axis shared by `specs`: one unit for all, else an index against the average. */
export function commonUnit(specs: FeatureSpec[]): string | null | undefined {
  const units = new Set(specs.map((s) => (s.unit ?? '').trim()));
  return units.size === 1 ? [...units][0] : undefined;
}
