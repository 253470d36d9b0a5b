"""WSGI entry point for gunicorn: one app per worker, watching for new models."""

from segmentation import create_app

app = create_app({"MODEL_WATCH": True})
