"""The price book: models, admin, publishing, import from AWS files and the audit trail."""
