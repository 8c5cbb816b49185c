"""What the benchmark scripts share: servers in process groups, the sandbox with its call
counter, signing in through the sandbox's pages, the load generator, process statistics, rows."""
