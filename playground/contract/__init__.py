"""The contract as files other tools read: the OpenAPI document, the Postman export, and
the "Check the API" probes that hold the live API against it."""
