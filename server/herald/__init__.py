"""Herald: notification dispatch over gRPC."""

__version__ = "0.1.0"
