import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ApiError, UNAVAILABLE_MESSAGE } from './api-error';
import { errorInterceptor } from './error.interceptor';

describe('errorInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  function failWith(status: number, statusText: string, body: string | object): unknown {
    let caught: unknown;
    http.get('/api/v1/thing').subscribe({ error: (e: unknown) => (caught = e) });
    backend.expectOne('/api/v1/thing').flush(body, { status, statusText });
    return caught;
  }

  it('maps the API error shape to an ApiError with flattened field errors', () => {
    const error = failWith(422, 'Unprocessable Entity', {
      code: 422,
      status: 'Unprocessable Entity',
      message: 'Invalid customer.',
      errors: {
        json: { age: ['Must be at least 18.'], spending: { Travel: ['Must be 0 or more.'] } },
      },
    });

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(422);
    expect(apiError.message).toBe('Invalid customer.');
    expect(apiError.fieldErrors).toEqual({
      age: ['Must be at least 18.'],
      'spending.Travel': ['Must be 0 or more.'],
    });
  });

  it('keys predict-segment row errors by row index and feature', () => {
    const error = failWith(422, 'Unprocessable Entity', {
      code: 422,
      status: 'Unprocessable Entity',
      errors: { json: { '0': { Utilities: ['Must be a number.'] } } },
    }) as ApiError;

    expect(error.fieldMessage('0.Utilities')).toBe('Must be a number.');
    expect(error.message).toBe('Some values need attention. Check the highlighted fields.');
  });

  it.each([502, 503, 504])('says the service is unavailable for HTTP %i', (status) => {
    const error = failWith(status, 'Bad Gateway', {
      code: status,
      status: 'Bad Gateway',
      message: 'The segmentation service is unavailable.',
    }) as ApiError;

    expect(error.status).toBe(status);
    expect(error.message).toBe(UNAVAILABLE_MESSAGE);
  });

  it('says the service is unavailable when the network fails (status 0)', () => {
    let caught: unknown;
    http.get('/api/v1/thing').subscribe({ error: (e: unknown) => (caught = e) });
    backend.expectOne('/api/v1/thing').error(new ProgressEvent('error'));

    expect((caught as ApiError).status).toBe(0);
    expect((caught as ApiError).message).toBe(UNAVAILABLE_MESSAGE);
  });

  it("keeps the API's reason, and ignores one it does not know", () => {
    const noModel = failWith(409, 'Conflict', {
      code: 409,
      status: 'Conflict',
      message: "No model of segmentation 'x' is active yet.",
      reason: 'no_active_model',
    }) as ApiError;
    expect([noModel.status, noModel.reason]).toEqual([409, 'no_active_model']);
    expect(noModel.message).toBe("No model of segmentation 'x' is active yet.");

    const down = failWith(503, 'Service Unavailable', {
      code: 503,
      reason: 'database_unavailable',
    });
    expect((down as ApiError).reason).toBe('database_unavailable');
    const odd = failWith(409, 'Conflict', { code: 409, message: 'Taken.', reason: 'made_up' });
    expect((odd as ApiError).reason).toBe('');
  });

  it('falls back to a plain message when the body is not the API shape', () => {
    const error = failWith(404, 'Not Found', '<html>Not Found</html>') as ApiError;

    expect(error.message).toBe('Not found.');
    expect(error.fieldErrors).toEqual({});
  });
});
