"""Getting data in and out in bulk: binary COPY into NumPy, a cursor on the request's
transaction, the demo population and its seeding, the embedded PostgreSQL."""
