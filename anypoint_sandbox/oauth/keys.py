"""RS256 signing keys with a ``kid``: the current key, the published JWKS, and rotation.

Keys live in the database, so a key added by ``flask rotate-keys`` in another process is used by a
running server for the next token without a restart (the current key is read per token issue), and
every sandbox process on one database (PostgreSQL) signs with the same key and publishes the same
JWKS. The first key is made under a lock, so processes started together make one between them.
"""

import uuid

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..storage import SigningKey, serialized


def _new_key(session: Session) -> SigningKey:
    kid = uuid.uuid4().hex
    private = RSAKey.generate_key(2048, parameters={"kid": kid})
    key = SigningKey(kid=kid, private_pem=private.as_pem(private=True).decode(),
                     created_at=clock.seconds())
    session.add(key)
    return key


def _as_jwk(key: SigningKey) -> RSAKey:
    params = {"kid": key.kid, "use": "sig", "alg": "RS256"}
    return RSAKey.import_key(key.private_pem, parameters=params)


def _newest(session: Session) -> SigningKey | None:
    return session.scalars(
        select(SigningKey).where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc(), SigningKey.kid).limit(1)
        .execution_options(populate_existing=True)
    ).first()


def current_signing_key(session: Session) -> RSAKey:
    """The newest unretired key as a private joserfc key; creates the first key if none exists
    (or waits for the process that is creating it)."""
    key = _newest(session)
    if key is None:
        serialized(session, "signing keys")
        key = _newest(session) or _new_key(session)
        session.commit()
    return _as_jwk(key)


def published_keys(session: Session, grace_seconds: int) -> list[SigningKey]:
    """Unretired keys plus keys retired less than ``grace_seconds`` ago, newest first."""
    cutoff = clock.now() - grace_seconds
    return list(session.scalars(
        select(SigningKey).where(SigningKey.retired_at.is_(None) | (SigningKey.retired_at > cutoff))
        .order_by(SigningKey.created_at.desc())
    ))


def jwks(session: Session, grace_seconds: int) -> dict:
    """The public JWK Set (``{"keys": [...]}``) of every published key."""
    current_signing_key(session)  # a fresh sandbox publishes a key before the first token
    keys = [_as_jwk(key) for key in published_keys(session, grace_seconds)]
    return KeySet(keys).as_dict(private=False)


def rotate_keys(session: Session) -> str:
    """Retire the current key(s) and add a new one; returns the new ``kid``. Retired keys stay
    in the JWKS for the grace period so tokens they signed still verify."""
    serialized(session, "signing keys")
    stamp = clock.now()
    for key in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
        key.retired_at = stamp
    key = _new_key(session)
    session.commit()
    return key.kid
