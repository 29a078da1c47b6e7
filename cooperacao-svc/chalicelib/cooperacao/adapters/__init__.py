"""PynamoDB repositories, the event publisher and other AWS adapters of cooperacao-svc."""
