/**
 * The API's shapes, generated from its OpenAPI document into `schema.ts` (`make api-types`):
 * features name theirs from here, e.g. `type Segment = Schemas['Segment']`.
 */
import { components } from './schema';

export type Schemas = components['schemas'];

/**
 * A nullable field's enum values (`customerCreateGenderValues`...): their type admits the
 * field's null, the array never holds it.
 */
export function choices<T>(values: readonly (T | null)[]): readonly T[] {
  return values.filter((value): value is T => value !== null);
}
