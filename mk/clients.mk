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

$(TS_EXAMPLE): $(TS_STAMP) clients/ts/tsconfig.json clients/ts/examples/tsconfig.json \
		$(shell find clients/ts/src clients/ts/examples -name '*.ts')
	rm -rf clients/ts/dist-examples
	cd clients/ts && node_modules/.bin/tsc -p examples
	test -f $@

# The example depends on dev.herald:herald-client like any consumer, so the client is
# installed into the local Maven repository (~/.m2) first.
$(JAVA_CLIENT_STAMP): clients/java/pom.xml $(shell find clients/java/src -name '*.java')
	cd clients/java && $(MVN) install -DskipTests
	touch $@

$(JAVA_EXAMPLE_STAMP): $(JAVA_CLIENT_STAMP) clients/java/examples/pom.xml \
		$(shell find clients/java/examples/src -name '*.java')
	cd clients/java/examples && $(MVN) compile \
		org.apache.maven.plugins:maven-dependency-plugin:$(MAVEN_DEPENDENCY_PLUGIN_VERSION):build-classpath \
		-Dmdep.outputFile=target/classpath.txt
	touch $@
