"""Tests of the minutes: the cycle, revisions and observations, the exports and the importer."""
