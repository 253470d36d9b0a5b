import { Customer } from './customer.models';

/** A stored customer for tests. */
export const CUSTOMER: Customer = {
  customer_id: '123',
  age: 34,
  gender: 'F',
  monthly_income: 4200,
  account_balance: 15000.5,
  loyalty_score: 640,
  education_level: 'master',
  has_loan: false,
  online_interactions: 20,
  branch_visits: 1,
  call_center_calls: 0,
  spending: { Utilities: 120, Travel: 300 },
  rfm: null,
  segment: { id: 1, name: 'Affluent Traveller', strategy: 'Premium travel card', model_version: 3 },
  previous_segment: null,
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
};
