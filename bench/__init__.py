"""Benchmarks of the local stack: every figure is a ratio to a bare DynamoDB call timed in the same run."""
