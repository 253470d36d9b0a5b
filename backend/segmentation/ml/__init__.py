"""Machine learning without Flask: features, pipeline, k selection, naming, alignment,
artifacts and the fast predictor. Everything here takes arrays and plain values."""
