"""Checks over a built portal, shared by the test suite and the bench scripts.

They work on whatever the build wrote (pages are discovered from the output,
not listed by hand), so a page type added later is checked without a change here.
"""
