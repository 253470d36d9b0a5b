import { ApiError } from '../core/api-error';
import { modelLoadMessage } from './model-errors';

describe('modelLoadMessage', () => {
  it('says no model is active for a plain 404', () => {
    expect(modelLoadMessage(new ApiError(404, 'No model is active yet.'), 'Train one.')).toBe(
      'Train one.',
    );
  });

  it("keeps the server's words for an unknown segmentation and for other errors", () => {
    expect(modelLoadMessage(new ApiError(404, "No segmentation named 'x'."), 'Train one.')).toBe(
      "No segmentation named 'x'.",
    );
    expect(modelLoadMessage(new ApiError(500, 'Something went wrong.'), 'Train one.')).toBe(
      'Something went wrong.',
    );
  });
});
