"""Request plumbing: the access gate and health check, request logs, the CSP header, the
session engine, the template context and form charsets. Nothing here knows a product."""
