// Package gateway is Herald's REST gateway: grpc-gateway v2 handlers generated from
// protos/herald/v1 (package heraldv1) in front of a Herald gRPC server, with the seeds'
// spellings accepted in request bodies, the seeds' answer shapes on their paths, gRPC
// errors mapped to HTTP statuses with a JSON body carrying the status details, server
// streams as newline-delimited JSON, the OpenAPI document at /openapi.json and the
// backend's health at /healthz.
package gateway

import (
	"context"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/herald-dispatch/herald/gateway/heraldv1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// MaxBodyBytes is the largest request body accepted (the server's default largest message).
const MaxBodyBytes = 64 << 20

// New returns the gateway's HTTP handler, calling the Herald server on conn.
func New(ctx context.Context, conn *grpc.ClientConn) (http.Handler, error) {
	marshaler := newMarshaler()
	mux := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, marshaler),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		runtime.WithOutgoingHeaderMatcher(outgoingHeader),
		runtime.WithErrorHandler(handleError),
		runtime.WithRoutingErrorHandler(handleRoutingError),
		runtime.WithStreamErrorHandler(handleStreamError),
		runtime.WithForwardResponseOption(forwardResponse),
		runtime.WithForwardResponseRewriter(rewriteResponse),
		runtime.WithHealthzEndpoint(grpc_health_v1.NewHealthClient(conn)),
		runtime.WithMiddlewares(withResponseWriter, requireCredentials, slashesInPathParams),
		// Routed on the escaped path, so "/v1/users/a%2Fb" matches {id}; every escape but
		// %2F is undone in the parameter, and slashesInPathParams undoes that one.
		runtime.WithUnescapingMode(runtime.UnescapingModeAllExceptSlash),
	)
	for _, register := range []func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error{
		heraldv1.RegisterDeliveryServiceHandler,
		heraldv1.RegisterCampaignServiceHandler,
		heraldv1.RegisterTemplateServiceHandler,
		heraldv1.RegisterDirectoryServiceHandler,
		heraldv1.RegisterInboxServiceHandler,
	} {
		if err := register(ctx, mux, conn); err != nil {
			return nil, err
		}
	}
	if err := mux.HandlePath(http.MethodGet, "/openapi.json", serveOpenAPI); err != nil {
		return nil, err
	}
	return http.MaxBytesHandler(mux, MaxBodyBytes), nil
}

// openPaths are served without credentials: the backend's health and the API's description.
var openPaths = map[string]bool{"/healthz": true, "/openapi.json": true}

// requireCredentials answers 401 for an API call without an Authorization header rather
// than pass it on without one: with mutual TLS to the server, a call without credentials
// would be served as the gateway's own certificate, so an anonymous HTTP client would get
// whatever that certificate is allowed.
func requireCredentials(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if openPaths[r.URL.Path] || r.Header.Get("Authorization") != "" {
			next(w, r, params)
			return
		}
		st, _ := status.New(codes.Unauthenticated,
			"this method needs credentials: Authorization: Bearer <token or API key>",
		).WithDetails(&errdetails.ErrorInfo{Reason: "CREDENTIALS_MISSING", Domain: "herald"})
		handleError(r.Context(), nil, nil, w, r, st.Err())
	}
}

// slashesInPathParams turns the %2F grpc-gateway leaves in a path parameter into the "/"
// it stands for: ids may hold any character but whitespace, "/" included (seed 002's
// "string identifier"), and a client writes it %2F. An id holding the text "%2F" itself
// cannot be named in a path.
func slashesInPathParams(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		for name, value := range params {
			if strings.Contains(value, "%2") {
				params[name] = slashEscape.Replace(value)
			}
		}
		next(w, r, params)
	}
}

var slashEscape = strings.NewReplacer("%2F", "/", "%2f", "/")

func serveOpenAPI(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(OpenAPI)
}

// incomingHeader decides which HTTP headers become gRPC metadata. Authorization is passed
// as `authorization` by grpc-gateway itself (and only that way: not also as
// grpcgateway-authorization, nor from a Grpc-Metadata-Authorization header); X-Request-Id
// becomes `x-request-id`, which the server logs and answers with; the rest as grpc-gateway
// does by default (Grpc-Metadata-* prefixes stripped, well-known headers prefixed).
func incomingHeader(key string) (string, bool) {
	switch textproto.CanonicalMIMEHeaderKey(key) {
	case "Authorization", "Grpc-Metadata-Authorization", "Cookie":
		return "", false
	case "X-Request-Id", "Grpc-Metadata-X-Request-Id":
		return "x-request-id", true
	}
	return runtime.DefaultHeaderMatcher(key)
}

// outgoingHeader passes the server's response metadata on as Grpc-Metadata-* headers, less
// gRPC's own (content-type, grpc-*) and x-request-id, which is answered as X-Request-Id.
func outgoingHeader(key string) (string, bool) {
	switch {
	case key == "content-type", key == "x-request-id", strings.HasPrefix(key, "grpc-"):
		return "", false
	}
	return runtime.MetadataHeaderPrefix + key, true
}
