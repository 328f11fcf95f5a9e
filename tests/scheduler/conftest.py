"""The runtime's engine, officers and clock fixtures, for notification tests."""

from ..runtime.conftest import clock, engine, officers  # noqa: F401 - fixtures
