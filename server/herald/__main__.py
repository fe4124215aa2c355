import sys

try:
    from herald.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line's modules load
    print("herald: interrupted", file=sys.stderr, flush=True)
    raise SystemExit(130) from None

raise SystemExit(main())
