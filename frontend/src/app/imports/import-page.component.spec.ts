import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { errorInterceptor } from '../core/error.interceptor';
import { ImportPageComponent } from './import-page.component';
import { CustomerImport } from './import.models';

function importOf(changes: Partial<CustomerImport> = {}): CustomerImport {
  return {
    id: 7,
    status: 'queued',
    filename: 'cards.csv',
    stage: null,
    progress: 0,
    rows_total: null,
    imported: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    error: null,
    columns: [],
    created_at: '2026-11-23T06:00:00Z',
    finished_at: null,
    ...changes,
  };
}

describe('ImportPageComponent', () => {
  let fixture: ComponentFixture<ImportPageComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  beforeEach(async () => {
    vi.useFakeTimers();
    TestBed.configureTestingModule({
      imports: [ImportPageComponent],
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ImportPageComponent);
    el = fixture.nativeElement;
    fixture.detectChanges();
    await listAnswers([
      importOf({ id: 3, status: 'succeeded', filename: 'old.csv', imported: 10 }),
    ]);
  });

  afterEach(() => {
    backend.verify();
    vi.useRealTimers();
  });

  /** Lets answered requests resolve (resources settle on a microtask), then renders. */
  async function render(): Promise<void> {
    await vi.advanceTimersByTimeAsync(0);
    fixture.detectChanges();
  }

  async function listAnswers(items: CustomerImport[]): Promise<void> {
    backend.expectOne({ method: 'GET', url: '/api/v1/imports' }).flush({ items });
    await render();
  }

  async function chooseFile(name: string): Promise<void> {
    const input = el.querySelector<HTMLInputElement>('#import-file')!;
    const file = new File(['customer_id,BALANCE\nC1,10\n'], name, { type: 'text/csv' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change'));
    await render();
  }

  async function typeIdColumn(value: string): Promise<void> {
    const input = el.querySelector<HTMLInputElement>('#import-id-column')!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    await render();
  }

  const importButton = () => el.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  const progress = () => el.querySelector('[data-testid="import-progress"]');
  const count = (name: string) =>
    progress()?.querySelector(`[data-count="${name}"]`)?.textContent?.trim();

  it('lists recent imports', () => {
    const rows = el.querySelectorAll('table.recent tbody tr[data-import-id]');
    expect(rows.length).toBe(1);
    expect(rows[0].textContent).toContain('old.csv');
  });

  it('uploads the file as multipart, then polls the import and shows progress until it ends', async () => {
    await chooseFile('cards.csv');
    await typeIdColumn('CUST_ID');
    importButton().click();
    await render();

    const upload = backend.expectOne({ method: 'POST', url: '/api/v1/imports' });
    const body = upload.request.body as FormData;
    expect(body).toBeInstanceOf(FormData);
    expect((body.get('file') as File).name).toBe('cards.csv');
    expect(body.get('id_column')).toBe('CUST_ID');
    upload.flush(importOf(), { status: 202, statusText: 'Accepted' });
    await render();
    await listAnswers([importOf(), importOf({ id: 3, status: 'succeeded', filename: 'old.csv' })]);

    expect(progress()?.getAttribute('data-status')).toBe('queued');
    expect(importButton().disabled).toBe(true);

    await vi.advanceTimersByTimeAsync(1000);
    backend
      .expectOne('/api/v1/imports/7')
      .flush(
        importOf({ status: 'running', stage: 'validating rows', progress: 40, rows_total: 1000 }),
      );
    await render();
    expect(progress()?.getAttribute('data-status')).toBe('running');
    expect(progress()?.textContent).toContain('validating rows');
    expect(progress()?.querySelector('mat-progress-bar')?.getAttribute('aria-valuenow')).toBe('40');
    expect(count('rows_total')).toBe('1000');

    await vi.advanceTimersByTimeAsync(1000);
    backend.expectOne('/api/v1/imports/7').flush(
      importOf({
        status: 'succeeded',
        stage: 'done',
        progress: 100,
        rows_total: 1000,
        imported: 990,
        updated: 3,
        unchanged: 5,
        rejected: 2,
        finished_at: '2026-11-23T06:01:00Z',
      }),
    );
    await render();
    await listAnswers([importOf({ status: 'succeeded', rejected: 2 })]);

    expect(progress()?.getAttribute('data-status')).toBe('succeeded');
    expect(progress()?.querySelector('mat-progress-bar')?.getAttribute('aria-valuenow')).toBe(
      '100',
    );
    expect([count('imported'), count('updated'), count('unchanged'), count('rejected')]).toEqual([
      '990',
      '3',
      '5',
      '2',
    ]);
    const rejects = progress()?.querySelector<HTMLAnchorElement>('a.rejects');
    expect(rejects?.getAttribute('href')).toBe('/api/v1/imports/7/rejects.csv');
    expect(importButton().disabled).toBe(false);

    await vi.advanceTimersByTimeAsync(5000);
    backend.expectNone('/api/v1/imports/7');
  });

  it('shows a failed import with its reason and stops polling', async () => {
    await chooseFile('cards.parquet');
    importButton().click();
    const upload = backend.expectOne({ method: 'POST', url: '/api/v1/imports' });
    expect((upload.request.body as FormData).has('id_column')).toBe(false);
    upload.flush(importOf({ filename: 'cards.parquet' }), { status: 202, statusText: 'Accepted' });
    await render();
    await listAnswers([]);

    await vi.advanceTimersByTimeAsync(1000);
    backend
      .expectOne('/api/v1/imports/7')
      .flush(importOf({ status: 'failed', error: 'Line 3: not UTF-8.', progress: 10 }));
    await render();
    await listAnswers([]);

    expect(progress()?.textContent).toContain('Import failed: Line 3: not UTF-8.');
    await vi.advanceTimersByTimeAsync(3000);
    backend.expectNone('/api/v1/imports/7');
  });

  it('refuses other file types and an empty choice without calling the API', async () => {
    importButton().click();
    await render();
    expect(el.querySelector('#import-file-error')?.textContent).toContain(
      'Choose a file to import.',
    );

    await chooseFile('cards.xlsx');
    importButton().click();
    await render();
    expect(el.querySelector('#import-file-error')?.textContent).toContain(
      'Choose a .csv or .parquet file.',
    );
    backend.expectNone({ method: 'POST', url: '/api/v1/imports' });
  });

  it('puts a 422 about the id column next to that field', async () => {
    await chooseFile('cards.csv');
    await typeIdColumn('NOPE');
    importButton().click();
    backend.expectOne({ method: 'POST', url: '/api/v1/imports' }).flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        errors: { form: { id_column: ['The file has no column NOPE.'] } },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await render();

    const field = el.querySelector('#import-id-column')!.closest('mat-form-field')!;
    expect(field.querySelector('mat-error')?.textContent?.trim()).toBe(
      'The file has no column NOPE.',
    );
    expect(progress()).toBeNull();
  });
});
