# Code generation from protos/herald/v1, and the contract checks `make test` runs.
#
#   make generate         third-party protos, then Python (grpc_tools), then one `buf generate`
#                         for Go, the grpc-gateway and its OpenAPI v2 document, TypeScript and Java
#   make proto-lint       buf lint (STANDARD, no exceptions for our protos)
#   make proto-breaking   buf breaking against the main branch of the local git repository
#   make check-generated  fails if `make generate` changes anything that is committed
#   make check-clients    the pins below agree with the clients' manifests; the Go, TypeScript
#                         and Java clients compile
#
# Every generator version is pinned here, in one place. The clients' own manifests
# (clients/ts/package.json, clients/java/pom.xml, the go.mod files) carry the matching runtime
# versions, since their consumers need them; check-pins fails when one disagrees with a pin. Python's generator (grpcio-tools, mypy-protobuf) is pinned in
# pyproject.toml and requirements.lock, because its gencode version sets the oldest protobuf
# runtime the server supports (tests/test_stubs_oldest_runtime.py).
#
# Tools come from the registries only (npm, the Go module proxy, Maven Central) into
# build/tools; a stamp file per tool and version makes a second run instant.

# npm @bufbuild/buf: lint, breaking, and the driver of every plugin below.
BUF_VERSION := 1.75.0
# google.golang.org/protobuf: protoc-gen-go, and the runtime clients/go requires.
PROTOC_GEN_GO_VERSION := v1.36.12
# google.golang.org/grpc/cmd/protoc-gen-go-grpc, and the grpc-go runtime clients/go requires.
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2
GRPC_GO_VERSION := v1.85.0
# github.com/grpc-ecosystem/grpc-gateway/v2: protoc-gen-grpc-gateway, protoc-gen-openapiv2 and
# the runtime gateway/ requires.
GRPC_GATEWAY_VERSION := v2.33.0
# npm @bufbuild/protoc-gen-es (v2; 2.14 and later need Node.js 22) = the @bufbuild/protobuf
# runtime; typescript for check-clients. Both are locked in clients/ts/package-lock.json.
PROTOC_GEN_ES_VERSION := 2.13.0
TYPESCRIPT_VERSION := 5.9.3
# Maven Central com.google.protobuf:protoc (Java messages) = com.google.protobuf:protobuf-java.
PROTOC_VERSION := 4.36.2
# Maven Central io.grpc:protoc-gen-grpc-java = the grpc-java runtime (1.84 and 1.85 have no
# linux-x86_64 executable on Maven Central).
GRPC_JAVA_VERSION := 1.83.1
MAVEN_DEPENDENCY_PLUGIN_VERSION := 3.8.1

TOOLS_DIR := build/tools
STAMPS := $(TOOLS_DIR)/stamps
BUF := $(TOOLS_BIN)/buf
# Maven Central names its native executables by os-arch.
MAVEN_EXE_CLASSIFIER := linux-$(if $(filter aarch64 arm64,$(shell uname -m)),aarch_64,x86_64)
MVN := mvn -B -q -Dstyle.color=never

# What `make generate` writes, all of it committed. check-generated diffs exactly these.
GENERATED_PATHS := third_party/protos server/herald/v1 clients/python/src/herald/v1 clients/go/heraldv1 gateway/heraldv1 \
	gateway/openapi clients/ts/src/gen clients/java/src/main/java
# What buf generate writes (removed first, so a deleted proto leaves nothing behind).
BUF_OUT_PATHS := clients/go/heraldv1 gateway/heraldv1 gateway/openapi clients/ts/src/gen \
	clients/java/src/main/java

BUF_STAMP := $(STAMPS)/buf-$(BUF_VERSION)
GO_PLUGIN_STAMPS := $(STAMPS)/protoc-gen-go-$(PROTOC_GEN_GO_VERSION) \
	$(STAMPS)/protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION) \
	$(STAMPS)/grpc-gateway-$(GRPC_GATEWAY_VERSION)
JAVA_PLUGIN_STAMPS := $(STAMPS)/protoc-$(PROTOC_VERSION) $(STAMPS)/protoc-gen-grpc-java-$(GRPC_JAVA_VERSION)
TS_STAMP := clients/ts/node_modules/.installed

.PHONY: generate generate-tools proto-lint proto-breaking check-generated check-clients \
	check-pins check-go check-ts check-java

# ---------------------------------------------------------------------------------------------
# Tools

generate-tools: $(BUF_STAMP) $(GO_PLUGIN_STAMPS) $(JAVA_PLUGIN_STAMPS) $(TS_STAMP)

$(STAMPS):
	mkdir -p $@ $(TOOLS_BIN)

# buf from npm; the npm package ships the native binary as an optional dependency.
$(BUF_STAMP): | $(STAMPS)
	rm -rf $(TOOLS_DIR)/node/buf
	mkdir -p $(TOOLS_DIR)/node/buf
	npm install --prefix $(TOOLS_DIR)/node/buf --no-save --no-package-lock --no-audit --no-fund \
		--loglevel=error "@bufbuild/buf@$(BUF_VERSION)"
	ln -sf ../node/buf/node_modules/.bin/buf $(BUF)
	test "$$($(BUF) --version)" = "$(BUF_VERSION)"
	touch $@

$(STAMPS)/protoc-gen-go-$(PROTOC_GEN_GO_VERSION): | $(STAMPS)
	GOBIN=$(TOOLS_BIN) go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	touch $@

$(STAMPS)/protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION): | $(STAMPS)
	GOBIN=$(TOOLS_BIN) go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	touch $@

$(STAMPS)/grpc-gateway-$(GRPC_GATEWAY_VERSION): | $(STAMPS)
	GOBIN=$(TOOLS_BIN) go install \
		github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway@$(GRPC_GATEWAY_VERSION) \
		github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2@$(GRPC_GATEWAY_VERSION)
	touch $@

# protoc (for buf's java builtin) and the grpc-java plugin: native executables on Maven Central.
# $(1) stamp, $(2) groupId:artifactId:version, $(3) name in build/tools/bin
define maven_exe
	rm -rf $(TOOLS_DIR)/maven/$(3)
	$(MVN) org.apache.maven.plugins:maven-dependency-plugin:$(MAVEN_DEPENDENCY_PLUGIN_VERSION):copy \
		-Dartifact=$(2):exe:$(MAVEN_EXE_CLASSIFIER) -DoutputDirectory=$(TOOLS_DIR)/maven/$(3) \
		-Dmdep.stripVersion=true -Dmdep.stripClassifier=true
	install -m 0755 $(TOOLS_DIR)/maven/$(3)/*.exe $(TOOLS_BIN)/$(3)
	touch $(1)
endef

$(STAMPS)/protoc-$(PROTOC_VERSION): | $(STAMPS)
	$(call maven_exe,$@,com.google.protobuf:protoc:$(PROTOC_VERSION),protoc)

$(STAMPS)/protoc-gen-grpc-java-$(GRPC_JAVA_VERSION): | $(STAMPS)
	$(call maven_exe,$@,io.grpc:protoc-gen-grpc-java:$(GRPC_JAVA_VERSION),protoc-gen-grpc-java)

# protoc-gen-es, its runtime and tsc, all locked in clients/ts/package-lock.json.
$(TS_STAMP): clients/ts/package.json clients/ts/package-lock.json
	cd clients/ts && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# ---------------------------------------------------------------------------------------------
# Generation

generate: venv generate-tools check-pins
	$(PY) scripts/copy_third_party_protos.py third_party/protos
	PY=$(PY) scripts/gen_python.sh
	rm -rf $(BUF_OUT_PATHS)
	PATH="$(TOOLS_BIN):$$PATH" $(BUF) generate

# ---------------------------------------------------------------------------------------------
# Checks

proto-lint: $(BUF_STAMP)
	$(BUF) lint

proto-breaking: $(BUF_STAMP)
	BUF=$(BUF) scripts/proto_breaking.sh

check-generated: generate
	@changed="$$(git status --porcelain --untracked-files=all -- $(GENERATED_PATHS))"; \
	if [ -n "$$changed" ]; then \
		echo "check-generated: FAILED: \`make generate\` changed generated code that is committed." >&2; \
		echo "Run \`make generate\` and commit the result (never edit generated files by hand)." >&2; \
		echo "$$changed" | head -n 40 >&2; \
		[ "$$(echo "$$changed" | wc -l)" -le 40 ] || echo "... ($$(echo "$$changed" | wc -l) paths in all)" >&2; \
		git --no-pager diff --stat -- $(GENERATED_PATHS) >&2; \
		exit 1; \
	fi
	@echo "check-generated: generated code is up to date"

check-clients: check-pins check-go check-ts check-java

# The clients' manifests must carry the versions pinned above.
check-pins:
	@scripts/check_pins.sh \
		"clients/go/go.mod google.golang.org/protobuf $(PROTOC_GEN_GO_VERSION)" \
		"clients/go/go.mod google.golang.org/grpc $(GRPC_GO_VERSION)" \
		"gateway/go.mod github.com/grpc-ecosystem/grpc-gateway/v2 $(GRPC_GATEWAY_VERSION)" \
		"clients/ts/package.json @bufbuild/protoc-gen-es $(PROTOC_GEN_ES_VERSION)" \
		"clients/ts/package.json @bufbuild/protobuf $(PROTOC_GEN_ES_VERSION)" \
		"clients/ts/package.json typescript $(TYPESCRIPT_VERSION)" \
		"clients/java/pom.xml protobuf.version $(PROTOC_VERSION)" \
		"clients/java/pom.xml grpc.version $(GRPC_JAVA_VERSION)" \
		"clients/java/examples/pom.xml grpc.version $(GRPC_JAVA_VERSION)"

# go.mod and go.sum must be tidy for the generated code (a new import shows up here).
check-go:
	cd clients/go && go mod tidy -diff && go build ./... && go vet ./...
	cd gateway && go mod tidy -diff && go build ./... && go vet ./...

check-ts: $(TS_STAMP)
	cd clients/ts && node_modules/.bin/tsc --noEmit -p . && node_modules/.bin/tsc --noEmit -p examples

check-java:
	cd clients/java && $(MVN) compile
