"""What every sandbox page and API shares: the error policy."""

