# The REST gateway (grpc-gateway v2, Go; gateway/): `make gateway` builds build/gateway.
#
#   make gateway                  go build in gateway/ (modules from the Go module proxy; Go's
#                                 build cache makes a rebuild with nothing changed instant)
#   HERALD_GATEWAY=1 make run     the server and, beside it, the gateway (scripts/run.sh)
#
# The handlers (gateway/heraldv1) and the OpenAPI document (gateway/openapi) are generated
# by `make generate`; gateway/*.go and gateway/cmd are written by hand. The Python tests
# (tests/e2e/test_gateway*.py) build the same binary once per session.

GATEWAY_BIN := build/gateway
GATEWAY_SOURCES := $(shell find gateway clients/go -name '*.go' -o -name 'go.mod' -o -name 'go.sum' 2>/dev/null) \
	gateway/openapi/herald.swagger.json

.PHONY: gateway

gateway: $(GATEWAY_BIN)

$(GATEWAY_BIN): $(GATEWAY_SOURCES)
	mkdir -p build
	cd gateway && go build -o ../$(GATEWAY_BIN) ./cmd/herald-gateway
