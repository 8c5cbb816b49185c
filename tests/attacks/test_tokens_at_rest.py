"""Tokens at rest: a copy of the store's files or a Redis dump reveals no token (and no PKCE
verifier of a sign-in in flight); keys can be rotated without signing anybody out."""

from __future__ import annotations

import pathlib

import pytest
import redis
from cryptography.fernet import Fernet

from relying_party.delegation.store import FileStore, Sealer
from relying_party.settings import SettingsError, load_settings

OLD, NEW = Fernet.generate_key(), Fernet.generate_key()


def everything_written(folder: pathlib.Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


def test_a_copy_of_the_files_reveals_no_token(lab):
    rp = lab()
    flow = rp.start_login()  # a sign-in in flight: its PKCE verifier and nonce are stored
    assert flow
    rp.browser.cookies.clear()
    rp.sign_in()
    held = rp.saved_token_sets()[-1]
    dump = everything_written(pathlib.Path(rp.app.instance_path))
    for secret in (held.access_token, held.refresh_token, held.id_token):
        assert secret.encode() not in dump
    assert rp.session()["authenticated"] is True  # and the app still reads them


@pytest.mark.redis
def test_a_redis_dump_reveals_no_token(lab, redis_url, redis_prefix):
    rp = lab(SESSION_BACKEND="redis", REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix)
    rp.sign_in()
    held = rp.saved_token_sets()[-1]
    client = redis.Redis.from_url(redis_url)
    dump = b"".join(client.dump(key) or b"" for key in client.scan_iter(redis_prefix + "*"))
    client.close()
    assert dump and held.access_token.encode() not in dump
    assert held.refresh_token.encode() not in dump


def test_keys_rotate_without_losing_what_the_old_key_sealed(tmp_path):
    before = FileStore(str(tmp_path), Sealer([OLD]))
    before.set("tokens:g", {"access_token": "AT-1"}, 60)
    rotated = FileStore(str(tmp_path), Sealer([NEW, OLD]))
    assert rotated.get("tokens:g") == {"access_token": "AT-1"}
    rotated.set("tokens:h", {"access_token": "AT-2"}, 60)
    assert FileStore(str(tmp_path), Sealer([NEW])).get("tokens:h") == {"access_token": "AT-2"}
    assert FileStore(str(tmp_path), Sealer([NEW])).get("tokens:g") is None  # OLD retired


def test_store_keys_come_from_the_settings_and_bad_ones_are_named(lab):
    base = {"SECRET_KEY": "x" * 20, "ANYPOINT_CLIENT_ID": "c", "ANYPOINT_CLIENT_SECRET": "s"}
    keys = f"{NEW.decode()} {OLD.decode()}"
    settings = load_settings({**base, "STORE_KEYS": keys}, env_file=None)
    assert [key.get_secret_value() for key in settings.store_keys] == keys.split()
    with pytest.raises(SettingsError, match="STORE_KEYS must be Fernet keys"):
        load_settings({**base, "STORE_KEYS": "not-a-key"}, env_file=None)
    rp = lab(STORE_KEYS=keys)
    rp.sign_in()
    assert rp.app.extensions["connected_app_lab"].store.sealer.open(
        Fernet(NEW).encrypt(b'{"a": 1}')) == {"a": 1}
