"""Access Management's rules: scopes, rights, connected apps, the authorization policy,
revocation and the audit log."""


