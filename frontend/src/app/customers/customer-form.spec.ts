import { CUSTOMER } from './customer.fixture';
import { buildCustomerForm, changedFields, toCustomerWrite } from './customer-form';

describe('customer form rules', () => {
  function formWith(changes: Record<string, unknown>) {
    const form = buildCustomerForm(['Utilities', 'Travel']);
    form.patchValue({ ...CUSTOMER, spending: CUSTOMER.spending ?? {}, ...changes });
    return form;
  }

  it('accepts a stored customer as valid', () => {
    expect(formWith({}).valid).toBe(true);
  });

  it.each([
    ['age', 17, 'min'],
    ['age', 34.5, 'integer'],
    ['loyalty_score', 1001, 'max'],
    ['monthly_income', -1, 'min'],
    ['gender', null, 'required'],
  ])('rejects %s = %s (%s)', (field, value, error) => {
    const form = formWith({ [field]: value });
    expect(form.get(field)?.hasError(error)).toBe(true);
  });

  it('rejects negative spending', () => {
    const form = formWith({ spending: { Utilities: -5, Travel: 300 } });
    expect(form.get('spending.Utilities')?.hasError('min')).toBe(true);
  });

  it('sends nothing when nothing changed', () => {
    expect(changedFields(CUSTOMER, toCustomerWrite(formWith({})))).toEqual({});
  });

  it('sends only the changed fields, and spending as a whole when one category changed', () => {
    const edited = toCustomerWrite(
      formWith({ age: 35, spending: { Utilities: 120, Travel: 310 } }),
    );
    expect(changedFields(CUSTOMER, edited)).toEqual({
      age: 35,
      spending: { Utilities: 120, Travel: 310 },
    });
  });
});
