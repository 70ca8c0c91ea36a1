"""Errors a person can act on: their message says what is wrong and how to fix it.

Kept apart from the modules that raise them, so that the command line can catch them
without importing (and paying for) the import pipeline.
"""


class ActionableError(Exception):
    """An error whose message alone tells the user what to do; shown without a traceback."""
