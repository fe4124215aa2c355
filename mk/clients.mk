# The client examples (clients/go/examples/send, clients/ts/examples/send.ts,
# clients/java/examples) built for tests/e2e/test_client_examples.py, which runs each against a
# live server. Every output is a file with its sources as prerequisites, so a second
# `make test` builds nothing.
#
#   make build-examples   the Go binary (build/examples/go/send), the TypeScript example
#                         compiled by tsc (clients/ts/dist-examples), the Java client installed
#                         into the local Maven repository and the example compiled against it,
#                         with its runtime classpath (clients/java/examples/target/classpath.txt)
#
# The Python client (clients/python) is installed into .venv by `make venv` and checked by
# lint and typecheck; tests/clients installs it into a throwaway virtualenv as well.

EXAMPLES_OUT := build/examples
GO_EXAMPLE := $(EXAMPLES_OUT)/go/send
TS_EXAMPLE := clients/ts/dist-examples/examples/send.js
JAVA_CLIENT_STAMP := clients/java/target/.installed
JAVA_EXAMPLE_STAMP := clients/java/examples/target/.built

.PHONY: build-examples

build-examples: $(GO_EXAMPLE) $(TS_EXAMPLE) $(JAVA_EXAMPLE_STAMP)

pytest: build-examples

$(GO_EXAMPLE): clients/go/go.mod clients/go/go.sum $(shell find clients/go -name '*.go')
	cd clients/go && go build -o $(abspath $@) ./examples/send

# `make generate` (check-generated) rewrites the generated sources, new mtimes and the same
# bytes, so the TypeScript and Java builds depend on a digest of their sources that is only
# rewritten when the content changes.
EXAMPLES_DIGESTS := $(EXAMPLES_OUT)/digests
define digest
	@mkdir -p $(EXAMPLES_DIGESTS)
	@find $(2) -type f \( -name '*.ts' -o -name '*.java' -o -name '*.json' -o -name 'pom.xml' \) \
		-not -path '*/node_modules/*' -not -path '*/target/*' -not -path '*/dist-examples/*' \
		| LC_ALL=C sort | xargs sha256sum > $(1).tmp
	@if cmp -s $(1).tmp $(1); then rm $(1).tmp; else mv $(1).tmp $(1); fi
endef

.PHONY: examples-digests-force
examples-digests-force:

$(EXAMPLES_DIGESTS)/ts: examples-digests-force
	$(call digest,$@,clients/ts/src clients/ts/examples clients/ts/tsconfig.json)

$(EXAMPLES_DIGESTS)/java-client: examples-digests-force
	$(call digest,$@,clients/java/pom.xml clients/java/src)

$(EXAMPLES_DIGESTS)/java-example: examples-digests-force
	$(call digest,$@,clients/java/examples/pom.xml clients/java/examples/src)

$(TS_EXAMPLE): $(TS_STAMP) $(EXAMPLES_DIGESTS)/ts
	rm -rf clients/ts/dist-examples
	cd clients/ts && node_modules/.bin/tsc -p examples
	test -f $@

# The example depends on dev.herald:herald-client like any consumer, so the client is
# installed into the local Maven repository (~/.m2) first.
$(JAVA_CLIENT_STAMP): $(EXAMPLES_DIGESTS)/java-client
	cd clients/java && $(MVN) install -DskipTests
	touch $@

$(JAVA_EXAMPLE_STAMP): $(JAVA_CLIENT_STAMP) $(EXAMPLES_DIGESTS)/java-example
	cd clients/java/examples && $(MVN) compile \
		org.apache.maven.plugins:maven-dependency-plugin:$(MAVEN_DEPENDENCY_PLUGIN_VERSION):build-classpath \
		-Dmdep.outputFile=target/classpath.txt
	touch $@
