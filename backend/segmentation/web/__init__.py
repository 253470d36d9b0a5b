"""HTTP plumbing shared by every blueprint: the one error shape, JSON encoding, marshmallow
fields, and CSV cells a spreadsheet will not run."""
