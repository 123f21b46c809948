from django.db import models


class PathField(models.CharField):
    """A materialized path such as `0000001.0000002.`, compared by code point everywhere.

    A subtree is the index range [path, path + "~"), which needs "." and "~" to sort by code
    point. SQLite compares bytes already; PostgreSQL uses the database's collation, and the
    linguistic ones a server is often created with (en_US, zh_CN, ICU) ignore punctuation at
    first, so every descendant would fall outside its subtree's range. On PostgreSQL the column
    is therefore `COLLATE "C"`, whatever the server's locale."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
