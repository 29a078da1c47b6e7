"""courtlib: the back office's own library, installed into every service's Lambda artifact."""
