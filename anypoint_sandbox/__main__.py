"""``python -m anypoint_sandbox [--host H] [--port P] [--https [--cert C --key K]]``: serve the
sandbox (werkzeug's threaded server, speaking HTTP/1.1 with keep-alive: ``serving.py``).

Without SANDBOX_BASE_URL the base URL follows the scheme, host and port, so advertised URLs are
right. ``--https`` serves TLS with ``--cert``/``--key``, or with a certificate made for
``--host``, localhost, 127.0.0.1 and ``sandbox.anypoint.mulesoft.test`` and written to
``instance/tls/`` (trust ``instance/tls/sandbox-cert.pem``).
"""

import argparse
import os
import pathlib

from . import create_app
from .serving import Server
from .tls import DEFAULT_HOSTS, write_certificate


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m anypoint_sandbox", description=__doc__)
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", 8081)))
    parser.add_argument("--https", action="store_true", help="serve https")
    parser.add_argument("--cert", help="certificate (PEM) for --https")
    parser.add_argument("--key", help="private key (PEM) for --https")
    args = parser.parse_args(argv)
    if (args.cert or args.key) and not (args.https and args.cert and args.key):
        parser.error("--cert and --key go together, with --https")
    ssl_context = None
    if args.https:
        if args.cert:
            ssl_context = (args.cert, args.key)
        else:
            hosts = tuple(dict.fromkeys((args.host, *DEFAULT_HOSTS)))
            ssl_context = tuple(str(path) for path in write_certificate(
                pathlib.Path.cwd() / "instance" / "tls", hosts))
            print(f"Certificate for {', '.join(hosts)}: {ssl_context[0]}", flush=True)
    config = {}
    if not os.environ.get("SANDBOX_BASE_URL"):
        scheme = "https" if args.https else "http"
        config["SANDBOX_BASE_URL"] = f"{scheme}://{args.host}:{args.port}"
    app = create_app(config)
    print(f"Anypoint sandbox on {app.config['SANDBOX_BASE_URL']} "
          f"(issuer {app.config['SANDBOX_ISSUER']})", flush=True)
    server = Server(args.host, args.port, app, ssl_context=ssl_context)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
