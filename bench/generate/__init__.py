"""City-scale data for the benchmark: a subdistrict of 100,000+ residents and a million cases.

The org tree and residents come from the demo's own seeders (more communities added to the
demo subdistrict: `structure`). Cases, their events and participants are written in bulk
(`bulk`: COPY on PostgreSQL, executemany on SQLite) with the values the services would have
produced (`history`, from what `reference` reads once): the same deadlines from the
catalogue's clock, routing from the routing rules, a timeline whose statuses chain from
submission to the case's current status (`timeline`). Notifications of the generated history
are not written (as if delivered and read long ago).
"""

from bench.generate.history import Generator
from bench.generate.structure import EXTRA_COMMUNITIES, prepare, scale_structure

__all__ = ["EXTRA_COMMUNITIES", "Generator", "prepare", "scale_structure"]
