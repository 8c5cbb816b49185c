"""RS256 signing keys with a ``kid``: the current key, the published JWKS, and rotation.

Keys live in the database, so a key added by ``flask rotate-keys`` in another process is used by a
running server for the next token without a restart (the current key is read per token issue).
"""

import uuid

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..storage import SigningKey


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


def current_signing_key(session: Session) -> RSAKey:
    """The newest unretired key as a private joserfc key; creates the first key if none exists."""
    key = session.scalars(
        select(SigningKey).where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc()).limit(1)
    ).first()
    if key is None:
        key = _new_key(session)
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
    stamp = clock.now()
    for key in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
        key.retired_at = stamp
    key = _new_key(session)
    session.commit()
    return key.kid
