"""Plumbing shared by every page: middleware, the fault-tolerant cache, rate limits, JSON input and deployment checks."""
