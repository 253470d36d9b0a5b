import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { errorInterceptor } from '../core/error.interceptor';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { NewSegmentationComponent } from './new-segmentation.component';
import { CustomerColumn } from './training.models';

const COLUMNS: CustomerColumn[] = [
  {
    name: 'BALANCE',
    type: 'number',
    suggested_kind: 'money',
    n_values: 900,
    n_missing: 0,
    builtin: false,
  },
  {
    name: 'TENURE',
    type: 'number',
    suggested_kind: null,
    n_values: 880,
    n_missing: 20,
    builtin: false,
  },
  {
    name: 'CHANNEL',
    type: 'category',
    suggested_kind: 'categorical',
    categories: ['branch', 'online'],
    n_values: 900,
    n_missing: 0,
    builtin: false,
  },
  {
    name: 'age',
    type: 'number',
    suggested_kind: 'count',
    n_values: 900,
    n_missing: 0,
    builtin: true,
  },
];
const PRESETS = {
  items: [
    {
      name: 'income-score',
      description: 'Annual income and a spending score',
      features: [
        { name: 'balance', kind: 'money', label: 'Balance', unit: 'EUR' },
        { name: 'AGE', kind: 'score', label: 'Age', unit: 'years' },
      ],
    },
  ],
};

describe('NewSegmentationComponent', () => {
  let fixture: ComponentFixture<NewSegmentationComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [NewSegmentationComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(NewSegmentationComponent);
    el = fixture.nativeElement;
    fixture.detectChanges();
    backend.expectOne('/api/v1/customers/columns').flush({ items: COLUMNS });
    backend.expectOne('/api/v1/segmentations/presets').flush(PRESETS);
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  const row = (column: string) => el.querySelector(`tr[data-column="${column}"]`)!;
  const kindText = (column: string) =>
    row(column).querySelector('.mat-mdc-select-value')?.textContent?.trim();

  async function tick(column: string): Promise<void> {
    row(column).querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await fixture.whenStable();
  }

  async function choose(trigger: Element, option: string): Promise<void> {
    trigger.querySelector<HTMLElement>('.mat-mdc-select-trigger')!.click();
    await fixture.whenStable();
    [...document.querySelectorAll<HTMLElement>('mat-option')]
      .find((o) => o.textContent?.trim() === option)!
      .click();
    await fixture.whenStable();
  }

  async function typeName(value: string): Promise<void> {
    const input = el.querySelector<HTMLInputElement>('#new-segmentation-name')!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  }

  async function create(): Promise<void> {
    el.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();
  }

  it('lists the columns with their kind preselected from the suggestion', () => {
    expect(
      [...el.querySelectorAll('tr[data-column]')].map((r) => r.getAttribute('data-column')),
    ).toEqual(['BALANCE', 'TENURE', 'CHANNEL', 'age']);
    expect(kindText('BALANCE')).toBe('money');
    expect(kindText('CHANNEL')).toBe('categorical');
    expect(kindText('TENURE')).toBeFalsy();
  });

  it('posts the name and the ticked columns with their kinds, then switches to the new segmentation', async () => {
    await typeName('cards');
    await tick('BALANCE');
    await tick('TENURE');
    await choose(row('TENURE'), 'count');
    await tick('CHANNEL');
    await create();

    const req = backend.expectOne({ method: 'POST', url: '/api/v1/segmentations' });
    expect(req.request.body).toEqual({
      name: 'cards',
      features: [
        { name: 'BALANCE', kind: 'money' },
        { name: 'TENURE', kind: 'count' },
        { name: 'CHANNEL', kind: 'categorical' },
      ],
    });
    req.flush(
      { name: 'cards', method: 'kprototypes', features: [], active_model_version: null },
      { status: 201, statusText: 'Created' },
    );
    await fixture.whenStable();

    expect(TestBed.inject(SegmentationContext).current()).toBe('cards');
    expect(TestBed.inject(Router).url).toBe('/?segmentation=cards');
    expect(el.querySelector('[role="status"]')?.textContent).toContain(
      'Segmentation cards is created',
    );
  });

  it('a preset ticks its columns (any case) with its kinds and is sent along', async () => {
    await typeName('income');
    await choose(el.querySelector('.head')!, 'income-score');

    expect(row('BALANCE').querySelector<HTMLInputElement>('input[type="checkbox"]')!.checked).toBe(
      true,
    );
    expect(row('age').querySelector<HTMLInputElement>('input[type="checkbox"]')!.checked).toBe(
      true,
    );
    expect(kindText('age')).toBe('score');
    await create();

    const req = backend.expectOne({ method: 'POST', url: '/api/v1/segmentations' });
    expect(req.request.body).toEqual({
      name: 'income',
      preset: 'income-score',
      features: [
        { name: 'BALANCE', kind: 'money' },
        { name: 'age', kind: 'score' },
      ],
    });
    req.flush({ name: 'income', features: [] }, { status: 201, statusText: 'Created' });
    await fixture.whenStable();
  });

  it('asks for a column, a kind and a valid name before posting', async () => {
    await typeName('Cards 2');
    await create();
    expect(el.textContent).toContain('Pick at least one column.');

    await tick('TENURE');
    await create();
    backend.expectNone({ method: 'POST', url: '/api/v1/segmentations' });
    expect(row('TENURE').querySelector('mat-error')?.textContent?.trim()).toBe('Kind is required.');
    const name = el.querySelector('#new-segmentation-name')!.closest('mat-form-field')!;
    expect(name.querySelector('mat-error')?.textContent?.trim()).toBe(
      'Name is not in the expected form.',
    );
  });

  it('shows an error about the features as a whole above the button', async () => {
    await typeName('cards');
    await tick('BALANCE');
    await create();
    backend.expectOne({ method: 'POST', url: '/api/v1/segmentations' }).flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        errors: {
          json: { features: ['Give at least one feature (column and kind), or a preset.'] },
        },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    expect(el.querySelector('.selection-error')?.textContent).toContain(
      'Give at least one feature',
    );
  });

  it('shows API errors next to the name and the column they concern', async () => {
    await typeName('cards');
    await tick('BALANCE');
    await tick('CHANNEL');
    await create();

    backend.expectOne({ method: 'POST', url: '/api/v1/segmentations' }).flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        errors: {
          json: {
            name: ['A segmentation named cards exists.'],
            features: { '1': { kind: ['CHANNEL holds text: use categorical.'] } },
          },
        },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();

    const name = el.querySelector('#new-segmentation-name')!.closest('mat-form-field')!;
    expect(name.querySelector('mat-error')?.textContent?.trim()).toBe(
      'A segmentation named cards exists.',
    );
    expect(row('CHANNEL').querySelector('mat-error')?.textContent?.trim()).toBe(
      'CHANNEL holds text: use categorical.',
    );
    expect(row('BALANCE').querySelector('mat-error')).toBeNull();
    expect(TestBed.inject(SegmentationContext).current()).toBe('lifestyle');
  });
});
