"""A delegation's tokens and what the provider says about them: the store, refresh,
probes, revocation."""


