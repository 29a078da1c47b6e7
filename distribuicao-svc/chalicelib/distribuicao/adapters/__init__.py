"""PynamoDB repositories, the event publisher and other AWS adapters of distribuicao-svc."""
