"""What every part of the service stands on: settings (the only reader of the environment),
the unbound extensions, logging, one limit per kind of value, and column helpers for tables."""
