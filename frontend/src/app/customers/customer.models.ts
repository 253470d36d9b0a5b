import { Rfm } from '../shared/model.models';

export type Gender = 'F' | 'M' | 'X';
export type EducationLevel = 'primary' | 'secondary' | 'bachelor' | 'master' | 'doctorate';

export const GENDERS: { value: Gender; label: string }[] = [
  { value: 'F', label: 'Female' },
  { value: 'M', label: 'Male' },
  { value: 'X', label: 'Other / not stated' },
];

export const EDUCATION_LEVELS: EducationLevel[] = [
  'primary',
  'secondary',
  'bachelor',
  'master',
  'doctorate',
];

/** Spending categories used when the active model is not known yet. */
export const DEFAULT_CATEGORIES = [
  'Utilities',
  'Groceries',
  'Transport',
  'Dining',
  'Entertainment',
  'OnlineShopping',
  'Travel',
  'Healthcare',
];

export interface CustomerSegment {
  id: number;
  name: string;
  strategy?: string;
  model_version?: number;
}

/** Fields a client may send on POST (all) or PATCH (any subset). */
export interface CustomerWrite {
  /** The bank's own id, text such as "C10001" (the API also accepts integers on input). */
  customer_id: string;
  age: number;
  gender: Gender;
  monthly_income: number;
  account_balance: number;
  loyalty_score: number;
  education_level: EducationLevel;
  has_loan: boolean;
  online_interactions: number;
  branch_visits: number;
  call_center_calls: number;
  spending: Record<string, number>;
}

export interface Customer extends CustomerWrite {
  rfm: Rfm | null;
  segment: CustomerSegment | null;
  previous_segment: CustomerSegment | null;
  /** Imported columns: column -> value. */
  attributes?: Record<string, string | number | boolean | null>;
  /** The current segment in each segmentation. */
  segments?: { segmentation: string; segment: CustomerSegment | null }[];
  created_at: string;
  updated_at: string;
}

export interface CustomerPage {
  items: Customer[];
  total: number;
  page: number;
  per_page: number;
}

export interface CustomerQuery {
  q?: string;
  segment_id?: number | null;
  page: number;
  per_page: number;
}

export interface Driver {
  feature: string;
  value: number;
  segment_mean: number;
  population_mean: number;
  text: string;
}

export interface Explanation {
  customer_id: string;
  segment: CustomerSegment;
  distance: number;
  runner_up: (CustomerSegment & { distance: number }) | null;
  drivers: Driver[];
  summary: string;
}
