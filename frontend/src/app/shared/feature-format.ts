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
      label: sentenceCase(spec.label || featureLabel(spec.name)),
    }));
  }
  return fallbackSpecs(model.features);
}

/** Money features labelled from their names: what the app assumed before feature specs existed. */
export function fallbackSpecs(names: string[]): FeatureSpec[] {
  return names.map((name) => ({ name, kind: 'money', label: featureLabel(name), unit: null }));
}

/**
 * What goes before a number: the currency of a currency unit ("EUR"), else € for money (the
 * service keeps amounts in euros); nothing for other kinds.
 */
export function unitPrefix(spec: FeatureSpec): string {
  const unit = spec.unit?.trim() ?? '';
  return CURRENCY_SYMBOLS[unit] ?? (spec.kind === 'money' ? '€' : '');
}

/** What goes after a number: a unit that is not a currency ("per month", "years", "days"). */
export function unitSuffix(spec: FeatureSpec): string {
  const unit = spec.unit?.trim() ?? '';
  return unit && !CURRENCY_SYMBOLS[unit] ? unit : '';
}

/** The unit in words for an axis: "€ per month", "years", "€", or "". */
export function unitText(spec: FeatureSpec): string {
  return [unitPrefix(spec), unitSuffix(spec)].filter(Boolean).join(' ');
}

/** A value with its unit: "€1,250", "€287 per month", "12 days", "0.42". */
export function formatValue(value: number | null | undefined, spec: FeatureSpec): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits });
  const suffix = unitSuffix(spec);
  return `${unitPrefix(spec)}${text}${suffix ? ' ' + suffix : ''}`;
}

/** The unit every spec shares ("" when they share none), or undefined when units differ. */
export function commonUnit(specs: FeatureSpec[]): string | undefined {
  const units = new Set(specs.map(unitText));
  return units.size === 1 ? [...units][0] : undefined;
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
