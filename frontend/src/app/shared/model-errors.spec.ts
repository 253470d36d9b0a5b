import { ApiError } from '../core/api-error';
import { hasNoModel, modelLoadMessage } from './model-errors';

describe('modelLoadMessage', () => {
  it('says no model is active when the API gives that reason', () => {
    const error = new ApiError(
      409,
      "No model of segmentation 'x' is active yet.",
      {},
      'no_active_model',
    );
    expect(modelLoadMessage(error, 'Train one.')).toBe('Train one.');
    expect(hasNoModel(error)).toBe(true);
  });

  it("keeps the server's words for an unknown segmentation and for other errors", () => {
    const unknown = new ApiError(404, "No segmentation named 'x'.");
    expect(modelLoadMessage(unknown, 'Train one.')).toBe("No segmentation named 'x'.");
    expect(hasNoModel(unknown)).toBe(false);
    expect(modelLoadMessage(new ApiError(409, 'A conflict.'), 'Train one.')).toBe('A conflict.');
    expect(modelLoadMessage(new ApiError(500, 'Something went wrong.'), 'Train one.')).toBe(
      'Something went wrong.',
    );
  });
});
