# Benchmarks (bench/suite.py): every benchmark, one summary table and its plots in
# bench/results/<UTC date-time>[-quick].{json,md,png}; docs/performance.md explains them.
# `make bench` is the full run (about 30 minutes on 2 CPUs; the queue-delivery benchmarks
# twice, the second time with HERALD_DELIVERY_PROCESSES=1); `make bench-quick` the smallest
# configuration of each, under two minutes, a smoke test rather than a record.

.PHONY: bench-quick

bench-quick: venv
	$(PY) -m bench.suite --quick
