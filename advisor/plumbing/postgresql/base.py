from django.db.backends.postgresql import base

from advisor.plumbing.dbguard import GuardedConnectMixin


class DatabaseWrapper(GuardedConnectMixin, base.DatabaseWrapper):
    pass
