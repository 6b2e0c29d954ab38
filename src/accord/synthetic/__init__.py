"""Synthetic partner data with the errors real partner systems have, for tests and benchmarks.

`accord.synthetic.partners.generate(n)` makes records for the four TVT-like partner datasets
with the truth (which person each record is about) kept aside for measuring linkage.
"""
