"""`python -m localdev` (`make dev`): the site and its forms on this machine.

No Docker, no AWS account: moto stands in for DynamoDB.
"""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType

from stack.template import load_template

from localdev import gateway
from localdev.preview import PreviewBuildFailed
from localdev.server import LocalMode, Options


def parse_arguments(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m localdev", description=__doc__)
    parser.add_argument(
        "--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)"
    )
    parser.add_argument("--no-build", action="store_true", help="serve the site as already built")
    parser.add_argument(
        "--no-watch",
        action="store_true",
        help="do not rebuild when content/ or site/ change (nor reload the open pages)",
    )
    parser.add_argument(
        "--content", type=Path, help="the content folder to build and watch (default content/)"
    )
    parser.add_argument(
        "--site-dir", type=Path, help="the built site to serve (default build/site)"
    )
    parser.add_argument(
        "--out", type=Path, help="build into this folder and serve its site/ (default build/)"
    )
    parser.add_argument(
        "--persist",
        action="store_true",
        help="keep the stored records between runs (in build/localdev-recording.jsonl)",
    )
    parser.add_argument("--state-file", type=Path, help="where to say the local mode runs")
    parser.add_argument(
        "--route",
        action="append",
        default=[],
        metavar="ROUTE=HANDLER",
        help="send a route to another handler, e.g. 'POST /api/registrations=my_module.handler'",
    )
    arguments = parser.parse_args(argv)
    options = Options(
        port=arguments.port, build=not arguments.no_build, watch=not arguments.no_watch
    )
    options.persist = arguments.persist
    if arguments.content:
        options.content_dir = arguments.content.resolve()
    if arguments.out:
        options.out_dir = arguments.out.resolve()
        options.site_dir = options.out_dir / "site"
    if arguments.site_dir:
        options.site_dir = arguments.site_dir.resolve()
    if arguments.state_file:
        options.state_file = arguments.state_file.resolve()
    if arguments.route:
        routes = gateway.template_routes(load_template())
        for item in arguments.route:
            key, _, handler = item.partition("=")
            if " " not in key:
                # A bare path takes over every method of that path.
                routes = {k: v for k, v in routes.items() if k.split(" ", 1)[1] != key}
                key = f"ANY {key}"
            routes[key] = handler
        options.routes = routes
    return options


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    # moto's server would log every DynamoDB call of the handlers.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    options = parse_arguments(argv)
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # Ctrl-C (SIGINT) and a polite kill (SIGTERM) end the same way: everything stopped in order.
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    local = LocalMode(options)
    try:
        url = local.start()
    except subprocess.CalledProcessError:
        print("The site did not build: see the messages above.", file=sys.stderr)
        return 1
    except PreviewBuildFailed as error:
        print(f"The site did not build:\n{error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Cannot start the local mode: {error}", file=sys.stderr)
        return 1
    print(f"Local mode ready: open {url}  (Ctrl-C to stop)", flush=True)
    print(f"Stored registrations: make registrations  (state in {options.state_file})", flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        local.stop()
        print("Local mode stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
