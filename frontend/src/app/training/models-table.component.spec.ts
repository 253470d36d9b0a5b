import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideDialogTesting } from '../shared/dialog.testing';
import { signInAs } from '../core/auth/auth.testing';
import { errorInterceptor } from '../core/error.interceptor';
import { ModelsTableComponent } from './models-table.component';
import { ModelVersion } from './training.models';

function version(v: number, changes: Partial<ModelVersion> = {}): ModelVersion {
  return {
    version: v,
    status: 'retired',
    is_active: false,
    k: 4,
    feature_set: 'lifestyle',
    features: ['Travel'],
    metrics: { silhouette: 0.41 },
    n_train_rows: 6000,
    training_seconds: 2,
    sha256: 'x',
    sklearn_version: '1.6',
    created_at: '2026-11-22T10:00:00Z',
    ...changes,
  };
}

describe('ModelsTableComponent', () => {
  let fixture: ComponentFixture<ModelsTableComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;
  const URL = '/api/v1/segmentation/models/1/activate';

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [ModelsTableComponent],
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideDialogTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    signInAs('admin');
    fixture = TestBed.createComponent(ModelsTableComponent);
    fixture.componentRef.setInput('models', [
      version(2, { status: 'active', is_active: true }),
      version(1),
    ]);
    el = fixture.nativeElement;
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  const activate = () =>
    el.querySelector<HTMLButtonElement>('button[aria-label="Activate model version 1"]')!;
  const dialogButton = (text: string) =>
    [...document.querySelectorAll<HTMLButtonElement>('mat-dialog-container button')].find((b) =>
      b.textContent?.includes(text),
    )!;

  it('activates a version only after confirming, and says so', async () => {
    const activated: ModelVersion[] = [];
    fixture.componentInstance.activated.subscribe((m) => activated.push(m));

    activate().click();
    await fixture.whenStable();
    dialogButton('Cancel').click();
    await fixture.whenStable();
    backend.expectNone((r) => r.url === URL);
    expect(activate().disabled).toBe(false);

    activate().click();
    await fixture.whenStable();
    dialogButton('Activate').click();
    await fixture.whenStable();
    const req = backend.expectOne((r) => r.url === URL);
    expect(req.request.method).toBe('POST');
    expect(activate().disabled).toBe(true);
    req.flush(version(1, { status: 'active', is_active: true }));
    await fixture.whenStable();

    expect(activated.map((m) => m.version)).toEqual([1]);
    expect(activate().disabled).toBe(false);
  });

  it("shows the API's refusal above the table", async () => {
    activate().click();
    await fixture.whenStable();
    dialogButton('Activate').click();
    await fixture.whenStable();
    backend
      .expectOne((r) => r.url === URL)
      .flush(
        { code: 409, status: 'Conflict', message: 'A training run is activating a model.' },
        { status: 409, statusText: 'Conflict' },
      );
    await fixture.whenStable();

    expect(el.querySelector('[role="alert"]')!.textContent).toContain(
      'A training run is activating a model.',
    );
    expect(activate().disabled).toBe(false);
  });
});
