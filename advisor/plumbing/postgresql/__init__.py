"""Django's PostgreSQL backend with the connection guard of ``advisor.plumbing.dbguard``
(settings.py selects it for a ``postgres://`` DATABASE_URL)."""
