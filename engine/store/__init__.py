"""Storage: typed models, sessions, migrations.

Every module that defines tables is imported here, so that migrations and
tests see the whole schema by importing ``engine.store``.
"""

from . import (
    models,  # noqa: F401
    models_digitisation,  # noqa: F401
    models_reports,  # noqa: F401
)
