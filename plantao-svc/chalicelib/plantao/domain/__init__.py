"""Rules of plantao-svc: plain typed Python, no AWS (a test forbids boto3/pynamodb imports here)."""
