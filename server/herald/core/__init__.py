"""The domain: recipients, plans, deliveries, validation. No grpc, no SQL."""
