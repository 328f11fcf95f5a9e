"""The worked examples in the calendar's docstrings are run, so they cannot drift from the code."""

from __future__ import annotations

import doctest

import engine.calendar


def test_docstring_examples_hold() -> None:
    results = doctest.testmod(engine.calendar, optionflags=doctest.ELLIPSIS)
    assert results.attempted >= 25  # every method with a worked example
    assert results.failed == 0
