"""Events between services: contracts, transactional outbox, relay to SQS, idempotent consumers, DLQ."""
