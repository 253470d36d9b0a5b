import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Role } from '../core/auth/auth.models';
import { signInAs } from '../core/auth/auth.testing';
import { errorInterceptor } from '../core/error.interceptor';
import { TrainingJob } from './training.models';
import { RetrainPanelComponent } from './retrain-panel.component';
import { job } from './training-job.fixture';

describe('RetrainPanelComponent', () => {
  let fixture: ComponentFixture<RetrainPanelComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;
  let finished: TrainingJob[];

  beforeEach(async () => {
    vi.useFakeTimers();
    TestBed.configureTestingModule({
      imports: [RetrainPanelComponent],
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    signInAs('admin');
    fixture = TestBed.createComponent(RetrainPanelComponent);
    el = fixture.nativeElement;
    finished = [];
    fixture.componentInstance.finished.subscribe((j) => finished.push(j));
    fixture.detectChanges();
  });

  afterEach(() => {
    backend.verify();
    vi.useRealTimers();
  });

  const retrainButton = () =>
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Retrain'))!;
  const render = () => fixture.detectChanges();

  it('starts training, shows progress and stage every second, then the result', () => {
    retrainButton().click();
    const trigger = backend.expectOne('/api/v1/segmentation/trigger-training');
    expect(trigger.request.body).toEqual({});
    trigger.flush(job(), { status: 202, statusText: 'Accepted' });
    render();
    expect(el.querySelector('[data-testid="training-job"]')?.getAttribute('data-status')).toBe(
      'queued',
    );
    expect(retrainButton().disabled).toBe(true);

    vi.advanceTimersByTime(1000);
    backend
      .expectOne('/api/v1/segmentation/jobs/12')
      .flush(job({ status: 'running', stage: 'fitting', progress: 55 }));
    render();
    expect(el.querySelector('.stage')?.textContent?.trim()).toBe('fitting');
    expect(el.querySelector('mat-progress-bar')?.getAttribute('aria-valuenow')).toBe('55');

    vi.advanceTimersByTime(1000);
    backend.expectOne('/api/v1/segmentation/jobs/12').flush(
      job({
        status: 'succeeded',
        progress: 100,
        model_version: 4,
        metrics: { silhouette: 0.634, inertia: 1, davies_bouldin: 1, calinski_harabasz: 1 },
      }),
    );
    render();
    expect(el.querySelector('.outcome')?.textContent).toContain('Model version 4');
    expect(el.querySelector('.outcome')?.textContent).toContain('0.634');
    expect(finished.map((j) => j.status)).toEqual(['succeeded']);
    expect(retrainButton().disabled).toBe(false);
  });

  it('sends the chosen k', () => {
    const k = el.querySelector<HTMLInputElement>('#retrain-k')!;
    k.value = '6';
    k.dispatchEvent(new Event('input'));
    retrainButton().click();
    const trigger = backend.expectOne('/api/v1/segmentation/trigger-training');
    expect(trigger.request.body).toEqual({ k: 6 });
    trigger.flush(job({ status: 'failed', error: 'Not enough data.' }));
    render();
    expect(el.querySelector('.outcome')?.textContent).toContain(
      'Training failed: Not enough data.',
    );
  });

  it("puts the API's message for k on the field and keeps the button usable", () => {
    const k = el.querySelector<HTMLInputElement>('#retrain-k')!;
    k.value = '40';
    k.dispatchEvent(new Event('input'));
    retrainButton().click();
    render();
    expect(retrainButton().disabled).toBe(true); // while the request runs
    backend.expectOne('/api/v1/segmentation/trigger-training').flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        errors: { json: { k: ['Too many segments.'] } },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    render();
    expect(el.querySelector('mat-error')?.textContent?.trim()).toBe('Too many segments.');
    expect(retrainButton().disabled).toBe(false);
  });

  it('shows a failed start in the banner', () => {
    retrainButton().click();
    backend
      .expectOne('/api/v1/segmentation/trigger-training')
      .flush(
        { code: 409, status: 'Conflict', message: 'The job queue is busy.' },
        { status: 409, statusText: 'Conflict' },
      );
    render();
    expect(el.querySelector('app-error-banner')?.textContent).toContain('The job queue is busy.');
  });

  it('refuses a k below 2 without calling the API', () => {
    const k = el.querySelector<HTMLInputElement>('#retrain-k')!;
    k.value = '1';
    k.dispatchEvent(new Event('input'));
    retrainButton().click();
    render();
    backend.expectNone('/api/v1/segmentation/trigger-training');
    expect(el.querySelector('mat-error')?.textContent?.trim()).toBe(
      'Number of segments must be 2 or more.',
    );
  });

  it.each<Role>(['viewer', 'analyst'])(
    'offers no Retrain to a %s but still follows a running job',
    (role) => {
      signInAs(role);
      fixture.componentRef.setInput(
        'runningJob',
        job({ status: 'running', stage: 'fitting', progress: 40 }),
      );
      render();

      expect(retrainButton()).toBeUndefined();
      expect(el.querySelector('#retrain-k')).toBeNull();
      expect(el.textContent).toContain('Only an administrator can start training');
      expect(el.querySelector('[data-testid="training-job"]')?.getAttribute('data-status')).toBe(
        'running',
      );
    },
  );

  it('offers Retrain to an admin', () => {
    expect(retrainButton()).toBeDefined();
    expect(el.textContent).not.toContain('Only an administrator');
  });
});
