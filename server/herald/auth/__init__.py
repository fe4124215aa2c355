"""Who is calling: credentials, scopes, brands (tenancy)."""
