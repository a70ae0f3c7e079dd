"""Pure Python: records, the relationship engine and draft context.

Nothing in this package performs I/O, reads the clock or talks SQL; every
function that depends on time takes ``now`` as a parameter.
"""
