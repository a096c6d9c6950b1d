"""One module per `grader` subcommand: register(subparsers) and run(args)."""
