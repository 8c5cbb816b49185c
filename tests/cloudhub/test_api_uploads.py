"""Every rejection of a deploy, each a 400/404/409/413 ``{"message"}``, and the upload folder
holding nothing afterwards."""

import io
import json

import pytest

from anypoint_sandbox.cloudhub import store
from tests.support.cloudhub_client import APPLICATIONS, app_info, message, stored_files
from tests.support.jars import DESCRIPTOR, GOOD_DESCRIPTOR, write_zip

MB = 1024 * 1024


def refused(api, uploads, jar, status=400, **options) -> str:
    """Deploy `jar`, expect `status` with a message, and an empty upload folder; the message."""
    response = api.deploy("refused-app", jar, **options)
    assert response.status_code == status, response.data
    assert stored_files(uploads) == []
    return message(response)


@pytest.mark.parametrize("entries, words", [
    ({"hello.xml": b"<mule/>"}, f"no {DESCRIPTOR}"),
    ({DESCRIPTOR: b"{not json"}, "is not valid JSON"),
    ({DESCRIPTOR: b'{"name": "x"}'}, "minMuleVersion is missing"),
    ({"../evil.xml": b"<mule/>", DESCRIPTOR: GOOD_DESCRIPTOR}, "climbs out of its folder"),
    ({"/etc/evil.xml": b"<mule/>", DESCRIPTOR: GOOD_DESCRIPTOR}, "absolute path"),
    ({"zeros.bin": bytes(5 * MB), DESCRIPTOR: GOOD_DESCRIPTOR}, "zip bomb"),
])
def test_bad_artifacts_are_refused_and_nothing_stays(developer, uploads, tmp_path, entries,
                                                      words):
    jar = write_zip(tmp_path / "bad.jar", entries)
    assert words in refused(developer, uploads, jar)


def test_a_file_that_is_not_a_zip_is_refused(developer, uploads):
    assert "not a JAR (zip) archive" in refused(developer, uploads, b"just some text\n" * 100)


def test_an_empty_file_is_refused(developer, uploads):
    assert "empty" in refused(developer, uploads, b"")


def test_a_jar_expanding_past_the_configured_limit_is_a_bomb(settings, request, jar_builder,
                                                            tmp_path):
    settings["SANDBOX_MAX_UNCOMPRESSED_MB"] = 1
    padded = jar_builder.build(tmp_path / "padded.jar", pad_mb=2)
    words = refused(request.getfixturevalue("developer"), request.getfixturevalue("uploads"),
                    padded)
    assert "zip bomb" in words and "1 MB" in words


def test_a_file_over_the_upload_limit_is_refused_with_400(settings, request, jar_builder,
                                                        tmp_path):
    settings["SANDBOX_MAX_UPLOAD_MB"] = 1
    over = tmp_path / "over.jar"
    over.write_bytes(bytes(MB + MB // 2))  # past the file limit, within MAX_CONTENT_LENGTH
    words = refused(request.getfixturevalue("developer"), request.getfixturevalue("uploads"),
                    over)
    assert words == "The file is larger than the 1 MB limit."


def test_a_request_over_max_content_length_is_413_in_the_message_shape(settings, request,
                                                                     tmp_path):
    settings["SANDBOX_MAX_UPLOAD_MB"] = 1
    huge = tmp_path / "huge.jar"
    huge.write_bytes(bytes(3 * MB))
    words = refused(request.getfixturevalue("developer"), request.getfixturevalue("uploads"),
                    huge, status=413)
    assert words == "The upload is larger than the 1 MB limit."


def test_an_interrupted_upload_leaves_nothing(developer, uploads, sample_jar):
    boundary = "cut-here"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"appInfoJson\"\r\n\r\n"
            f"{json.dumps(app_info('cut-app'))}\r\n--{boundary}\r\nContent-Disposition: "
            'form-data; name="file"; filename="cut.jar"\r\n\r\n').encode()
    body += sample_jar.read_bytes()[:2000]  # the client goes away mid-file
    response = developer.client.post(
        APPLICATIONS, input_stream=io.BytesIO(body), content_length=len(body) + 5000,
        content_type=f"multipart/form-data; boundary={boundary}", headers=developer.headers())
    assert response.status_code == 400
    assert message(response)
    assert stored_files(uploads) == []
    assert developer.get("cut-app").status_code == 404


@pytest.mark.parametrize("info, words", [
    ("{oops", "appInfoJson is not valid JSON"),
    ('["cut-app"]', "must be a JSON object"),
    ('{"muleVersion": {"version": "4.6.0"}}', "has no domain"),
    ('{"domain": "My App"}', "only lowercase letters"),
    ('{"domain": "ab"}', "at least 3"),
    ('{"domain": "cut-app", "muleVersion": {"version": "3.9.0"}}', "not offered"),
    ('{"domain": "cut-app", "muleVersion": "4.6.0"}', "muleVersion in appInfoJson must be"),
    ('{"domain": "cut-app", "workers": {"amount": 0}}', "from 1 to 8"),
    ('{"domain": "cut-app", "workers": {"amount": 9}}', "from 1 to 8"),
    ('{"domain": "cut-app", "workers": {"amount": "9"}}', "from 1 to 8"),
    ('{"domain": "cut-app", "workers": {"amount": "two"}}', "from 1 to 8"),
    ('{"domain": "cut-app", "workers": {"amount": "2.0"}}', "from 1 to 8"),
    ('{"domain": "cut-app", "workers": {"amount": "\u0662"}}', "from 1 to 8"),
    ('{"domain": "cut-app", "workers": {"amount": true}}', "from 1 to 8"),
    ('{"domain": "cut-app", "workers": {"type": {"name": "Huge"}}}', 'Worker type "Huge"'),
    ('{"domain": "cut-app", "region": "mars-north-1"}', 'Region "mars-north-1"'),
    ('{"domain": "cut-app", "properties": ["a=b"]}', "properties in appInfoJson"),
    ('{"domain": "cut-app", "properties": {"port": 8081}}', 'property "port" must be text'),
])
def test_bad_app_info_is_refused_field_by_field(developer, uploads, sample_jar, info, words):
    assert words in refused(developer, uploads, sample_jar, info=info)


def test_a_worker_count_sent_as_digits_is_read_as_a_number(developer, sample_jar):
    """MuleSoft's CLI sends ``--workers 2`` as the string "2"; the platform takes it."""
    response = developer.deploy("two-workers", sample_jar,
                                info='{"domain": "two-workers", "workers": {"amount": "2"}}')
    assert response.status_code == 200, response.data
    assert response.get_json()["workers"]["amount"] == 2


def test_auto_start_must_be_a_boolean(developer, uploads, sample_jar):
    assert "autoStart must be true or false" in refused(developer, uploads, sample_jar,
                                                        auto_start="maybe")


def test_missing_parts_and_non_multipart_bodies(developer, uploads, sample_jar):
    no_file = developer.deploy("part-app", None)
    assert no_file.status_code == 400 and "file part" in message(no_file)
    no_info = developer.multipart("POST", APPLICATIONS, {"file": "x"}, developer.headers())
    assert no_info.status_code == 400 and "appInfoJson part is missing" in message(no_info)
    as_json = developer.client.post(APPLICATIONS, json=app_info("part-app"),
                                    headers=developer.headers())
    assert as_json.status_code == 400 and "multipart/form-data" in message(as_json)
    assert stored_files(uploads) == []


def test_a_taken_name_is_409_in_any_environment(as_user, uploads, sample_jar):
    admin = as_user("admin")
    assert admin.deploy("taken-app", sample_jar).status_code == 200
    kept = stored_files(uploads)
    for api in (admin, as_user("admin", "Production")):
        response = api.deploy("taken-app", sample_jar)
        assert response.status_code == 409 and "already exists" in message(response)
    assert stored_files(uploads) == kept


def test_losing_a_race_for_a_name_is_409_and_leaves_no_file(developer, uploads, sample_jar,
                                                           monkeypatch):
    developer.deploy("race-app", sample_jar)
    kept = stored_files(uploads)
    monkeypatch.setattr(store, "find_live", lambda domain: None)  # the check saw it free
    response = developer.deploy("race-app", sample_jar)
    assert response.status_code == 409 and "already exists" in message(response)
    assert stored_files(uploads) == kept


def test_the_environment_header_is_required_and_checked(developer, environments, seed,
                                                        uploads, sample_jar):
    headers = developer.headers()
    del headers["X-ANYPNT-ENV-ID"]
    missing = developer.deploy("env-app", sample_jar, headers=headers)
    assert missing.status_code == 400 and "X-ANYPNT-ENV-ID" in message(missing)
    assert developer.client.get(APPLICATIONS, headers=headers).status_code == 400
    unknown = developer.deploy("env-app", sample_jar,
                               headers=developer.headers(**{"X-ANYPNT-ENV-ID": "no-such-env"}))
    assert unknown.status_code == 404 and "no-such-env" in message(unknown)
    mixed_up = developer.deploy("env-app", sample_jar,
                                headers=developer.headers(**{"X-ANYPNT-ORG-ID": "other-org"}))
    assert mixed_up.status_code == 400 and "X-ANYPNT-ORG-ID" in message(mixed_up)
    assert stored_files(uploads) == []
    org_id = seed["organization"]["id"]
    matching = developer.deploy("env-app", sample_jar,
                                headers=developer.headers(**{"X-ANYPNT-ORG-ID": org_id}))
    assert matching.status_code == 200
