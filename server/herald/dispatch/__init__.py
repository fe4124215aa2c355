"""Workers: lease deliveries, hand them to channels, retry, publish results."""
