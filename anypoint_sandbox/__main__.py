"""``python -m anypoint_sandbox [--host H] [--port P]``: serve the sandbox (threaded werkzeug).

Without SANDBOX_BASE_URL the base URL follows the host and port, so advertised URLs are right.
"""

import argparse
import os

from werkzeug.serving import run_simple

from . import create_app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m anypoint_sandbox", description=__doc__)
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", 8081)))
    args = parser.parse_args(argv)
    config = {}
    if not os.environ.get("SANDBOX_BASE_URL"):
        config["SANDBOX_BASE_URL"] = f"http://{args.host}:{args.port}"
    app = create_app(config)
    print(f"Anypoint sandbox on {app.config['SANDBOX_BASE_URL']} "
          f"(issuer {app.config['SANDBOX_ISSUER']})", flush=True)
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()
