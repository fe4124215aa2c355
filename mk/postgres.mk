# PostgreSQL server binaries for the tests (tests/support/postgres.py runs a
# throwaway cluster on a loopback port; the queue tests run on SQLite and on it).
#
#   make postgres   installs Debian's postgresql package, unless some
#                   /usr/lib/postgresql/<version>/bin/initdb is already there
#
# Only the binaries are used: the tests initdb their own cluster in a temporary
# directory (as `nobody` when run as root), never the package's default cluster.

PG_INITDB_GLOB := /usr/lib/postgresql/*/bin/initdb
PG_SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
PG_APT := $(PG_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: postgres

postgres:
	@if ls $(PG_INITDB_GLOB) >/dev/null 2>&1 || test -n "$$HERALD_TEST_PG_BIN"; then \
	  echo "postgres: server binaries present ($$(ls $(PG_INITDB_GLOB) 2>/dev/null | head -n1))"; \
	else \
	  echo "postgres: installing Debian's postgresql package"; \
	  $(PG_APT) install -y --no-install-recommends postgresql \
	    || { $(PG_APT) update && $(PG_APT) install -y --no-install-recommends postgresql; }; \
	  ls $(PG_INITDB_GLOB) >/dev/null 2>&1 \
	    || { echo "postgres: initdb still missing after the install" >&2; exit 1; }; \
	fi

pytest: postgres
