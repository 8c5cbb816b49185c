"""A certificate for serving the sandbox over https (MuleSoft's CLI speaks nothing else).

``write_certificate(folder, hosts)`` makes a fresh key and a self-signed certificate valid for
those host names (and IP addresses) for 30 days, and writes them as ``sandbox-cert.pem`` and
``sandbox-key.pem``. The certificate is its own CA (``CA:TRUE``), so a client trusts it by
adding the certificate itself: ``NODE_EXTRA_CA_CERTS=<folder>/sandbox-cert.pem`` for Node,
``REQUESTS_CA_BUNDLE`` for requests, ``curl --cacert``.
"""

import datetime
import ipaddress
import pathlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

#: The name the sandbox is served under for MuleSoft's CLI: it contains ``anypoint.mulesoft``,
#: the pattern the CLI attaches tokens for, and ``.test`` is reserved, so it is nobody's host.
CLI_HOST = "sandbox.anypoint.mulesoft.test"
DEFAULT_HOSTS = (CLI_HOST, "localhost", "127.0.0.1")


def _name_of(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def write_certificate(folder, hosts=DEFAULT_HOSTS) -> tuple[pathlib.Path, pathlib.Path]:
    """Write a new key and certificate for ``hosts`` into ``folder`` (made if missing);
    return (certificate path, key path). The key file is readable by its owner only."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Anypoint sandbox")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([_name_of(host) for host in hosts]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "sandbox-cert.pem", folder / "sandbox-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
