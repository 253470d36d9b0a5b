import { Schemas, choices } from '../core/api/api-schemas';
import {
  customerCreateEducation_levelValues,
  customerCreateGenderValues,
  transactionCategoryValues,
} from '../core/api/schema';

export type Gender = NonNullable<Schemas['CustomerCreate']['gender']>;
export type EducationLevel = NonNullable<Schemas['CustomerCreate']['education_level']>;

/** One label per gender the API knows: a new one fails to compile until it has a label. */
const GENDER_LABELS: Record<Gender, string> = {
  F: 'Female',
  M: 'Male',
  X: 'Other / not stated',
};

export const GENDERS: readonly { value: Gender; label: string }[] = choices(
  customerCreateGenderValues,
).map((value) => ({ value, label: GENDER_LABELS[value] }));

export const EDUCATION_LEVELS: readonly EducationLevel[] = choices(
  customerCreateEducation_levelValues,
);

/** Spending categories used when the active model is not known yet. */
export const DEFAULT_CATEGORIES: readonly string[] = transactionCategoryValues;

export type CustomerSegment = Schemas['SegmentRef'];

/** Body of POST /customers. */
export type CustomerWrite = Schemas['CustomerCreate'];

/** Body of PATCH /customers/{id}: any subset. */
export type CustomerChanges = Schemas['CustomerPatch'];

export type Customer = Schemas['Customer'];

export type CustomerPage = Schemas['CustomerList'];

export interface CustomerQuery {
  q?: string;
  segment_id?: number | null;
  page: number;
  per_page: number;
}

export type Driver = Schemas['Driver'];

export type Explanation = Schemas['Explanation'];
