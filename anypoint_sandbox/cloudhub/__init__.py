"""CloudHub 1.0 building blocks for the sandbox: artifacts, domain names, runtimes, lifecycle."""
