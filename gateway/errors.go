package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// HTTPStatus maps a gRPC code to the HTTP status the seeds' documents use: 400
// INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 409
// ALREADY_EXISTS (seed 004's "already sent") and ABORTED, 422 FAILED_PRECONDITION (seed
// 003: nobody passed), 429 RESOURCE_EXHAUSTED, 500 INTERNAL and UNKNOWN, 503 UNAVAILABLE,
// 504 DEADLINE_EXCEEDED; the rest as grpc-gateway maps them.
func HTTPStatus(code codes.Code) int {
	if code == codes.FailedPrecondition {
		return http.StatusUnprocessableEntity
	}
	return runtime.HTTPStatusFromCode(code)
}

// errorBody is every error answer: google.rpc.Status (code, message, details with their
// @type) plus the code's name and a stable `error` (the ErrorInfo reason when the server
// gave one, else the code's name), which with `message` is seed 004's error object.
type errorBody struct {
	Error   string            `json:"error"`
	Message string            `json:"message"`
	Code    int32             `json:"code"`
	Status  string            `json:"status"`
	Details []json.RawMessage `json:"details"`
}

func newErrorBody(st *status.Status) errorBody {
	body := errorBody{
		Message: st.Message(),
		Code:    int32(st.Code()),
		Status:  codeName(st.Code()),
		Details: []json.RawMessage{},
	}
	body.Error = body.Status
	for _, detail := range st.Proto().GetDetails() {
		body.Details = append(body.Details, detailJSON(detail))
		if info, ok := unpack[*errdetails.ErrorInfo](detail); ok && info.GetReason() != "" {
			body.Error = info.GetReason()
		}
	}
	return body
}

// seed001Error is seed 001's error payload, {"statusCode": "400", "error": "Bad request",
// "message": "..."}, with what errorBody says beside it: its `error` (the ErrorInfo reason)
// as `reason`, `code`, `status` and `details`.
type seed001Error struct {
	StatusCode string            `json:"statusCode"`
	Error      string            `json:"error"`
	Message    string            `json:"message"`
	Reason     string            `json:"reason"`
	Code       int32             `json:"code"`
	Status     string            `json:"status"`
	Details    []json.RawMessage `json:"details"`
}

func newSeed001Error(httpStatus int, st *status.Status) seed001Error {
	body := newErrorBody(st)
	phrase := reasonPhrase(httpStatus) // in the seed's sentence case: "Bad request"
	return seed001Error{
		StatusCode: strconv.Itoa(httpStatus),
		Error:      phrase[:1] + strings.ToLower(phrase[1:]),
		Message:    body.Message,
		Reason:     body.Error,
		Code:       body.Code,
		Status:     body.Status,
		Details:    body.Details,
	}
}

// errorAnswer is an error's content type and body: seeds 000's and 001's paths answer
// their documents' error shapes, every other path the errorBody.
func errorAnswer(ctx context.Context, r *http.Request, httpStatus int, st *status.Status, id string) (string, []byte, error) {
	var body any
	contentType := "application/json"
	switch route(ctx, r) {
	case seed000Path:
		body, contentType = newErrorProblem(httpStatus, st, id), problemContentType
	case seed001Path:
		body = newSeed001Error(httpStatus, st)
	default:
		body = newErrorBody(st)
	}
	buf, err := json.Marshal(body)
	return contentType, buf, err
}

// reasonPhrase is a status's reason phrase ("Bad Request"); 499 is grpc-gateway's for a
// call the client cancelled.
func reasonPhrase(httpStatus int) string {
	if text := http.StatusText(httpStatus); text != "" {
		return text
	}
	if httpStatus == 499 {
		return "Client Closed Request"
	}
	return "HTTP " + strconv.Itoa(httpStatus)
}

// codeName is the canonical UPPER_SNAKE name of a code ("NOT_FOUND").
func codeName(code codes.Code) string {
	names := map[codes.Code]string{
		codes.OK: "OK", codes.Canceled: "CANCELLED", codes.Unknown: "UNKNOWN",
		codes.InvalidArgument: "INVALID_ARGUMENT", codes.DeadlineExceeded: "DEADLINE_EXCEEDED",
		codes.NotFound: "NOT_FOUND", codes.AlreadyExists: "ALREADY_EXISTS",
		codes.PermissionDenied: "PERMISSION_DENIED", codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
		codes.FailedPrecondition: "FAILED_PRECONDITION", codes.Aborted: "ABORTED",
		codes.OutOfRange: "OUT_OF_RANGE", codes.Unimplemented: "UNIMPLEMENTED",
		codes.Internal: "INTERNAL", codes.Unavailable: "UNAVAILABLE", codes.DataLoss: "DATA_LOSS",
		codes.Unauthenticated: "UNAUTHENTICATED",
	}
	if name, ok := names[code]; ok {
		return name
	}
	return "CODE_" + strconv.Itoa(int(code))
}

func detailJSON(detail *anypb.Any) json.RawMessage {
	if raw, err := protojson.Marshal(detail); err == nil {
		return raw
	}
	// A detail type this gateway does not know: its type URL at least.
	raw, _ := json.Marshal(map[string]string{"@type": detail.GetTypeUrl()})
	return raw
}

func unpack[T interface {
	*E
	proto.Message
}, E any](detail *anypb.Any) (T, bool) {
	var message T = new(E)
	if err := detail.UnmarshalTo(message); err != nil {
		return nil, false
	}
	return message, true
}

// handleError is the mux's ErrorHandler: the HTTP status from HTTPStatus (or the one a
// routing error chose), the body errorAnswer chooses for the path, the request id,
// WWW-Authenticate on a 401 and Retry-After from a RetryInfo.
func handleError(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	httpStatus := 0
	var custom *runtime.HTTPStatusError
	if errors.As(err, &custom) {
		httpStatus, err = custom.HTTPStatus, custom.Err
	}
	st := withoutTransportDetail(status.Convert(err))
	if httpStatus == 0 {
		httpStatus = HTTPStatus(st.Code())
	}
	id := errorRequestID(ctx, r)
	contentType, buf, merr := errorAnswer(ctx, r, httpStatus, st, id)
	if merr != nil {
		httpStatus, contentType = http.StatusInternalServerError, "application/json"
		buf = []byte(`{"error":"INTERNAL","message":"failed to marshal the error","code":13,"status":"INTERNAL","details":[]}`)
	}
	header := w.Header()
	header.Del("Trailer")
	header.Del("Transfer-Encoding")
	header.Set("Content-Type", contentType)
	setErrorHeaders(header, st, id)
	w.WriteHeader(httpStatus)
	_, _ = w.Write(buf)
}

// errorRequestID is an error answer's request id: the server's, or for a refusal the
// server never saw (no credentials, a body or route the gateway cannot take) the
// caller's X-Request-Id where the server would have taken it, else a new one, so that
// every answer carries one.
func errorRequestID(ctx context.Context, r *http.Request) string {
	if id := requestID(ctx); id != "" {
		return id
	}
	for _, id := range []string{r.Header.Get("X-Request-Id"), r.Header.Get("Grpc-Metadata-X-Request-Id")} {
		if len(id) > 0 && len(id) <= maxRequestID && isPrintable(id) {
			return id
		}
	}
	var random [16]byte
	_, _ = rand.Read(random[:])
	return hex.EncodeToString(random[:])
}

// maxRequestID is the longest caller's request id the server takes (api/interceptors.py).
const maxRequestID = 128

func isPrintable(s string) bool {
	for _, c := range s {
		if !unicode.IsPrint(c) {
			return false
		}
	}
	return true
}

// setErrorHeaders sets what an error answer says besides its body: the request id,
// WWW-Authenticate on a 401 and Retry-After from a RetryInfo.
func setErrorHeaders(header http.Header, st *status.Status, id string) {
	if id != "" {
		header.Set("X-Request-Id", id)
	}
	if st.Code() == codes.Unauthenticated {
		header.Set("WWW-Authenticate", `Bearer realm="herald"`)
	}
	for _, detail := range st.Proto().GetDetails() {
		if info, ok := unpack[*errdetails.RetryInfo](detail); ok && info.GetRetryDelay() != nil {
			seconds := math.Ceil(info.GetRetryDelay().AsDuration().Seconds())
			header.Set("Retry-After", strconv.Itoa(int(max(seconds, 0))))
		}
	}
}

// handleStreamError is the mux's StreamErrorHandler. grpc-gateway writes a server stream's
// error itself (the HTTP status if no message went before it, then {"error": status}), never
// through handleError, so the error's headers and HTTP status are set here, on the writer
// withResponseWriter put in the context. Once a message has been written, they change nothing.
func handleStreamError(ctx context.Context, err error) *status.Status {
	st := status.Convert(err)
	if w, ok := ctx.Value(responseWriterKey{}).(*responseWriter); ok {
		setErrorHeaders(w.Header(), st, requestID(ctx))
		w.errorStatus = HTTPStatus(st.Code())
	}
	return st
}

type responseWriterKey struct{}

// responseWriter is a call's http.ResponseWriter whose WriteHeader writes the status
// handleStreamError chose, if it chose one, in place of grpc-gateway's own mapping
// (runtime.HTTPStatusFromCode). grpc-gateway flushes each message of a stream through
// http.ResponseController, which finds the writer's Flush through Unwrap.
type responseWriter struct {
	http.ResponseWriter
	errorStatus int
}

func (w *responseWriter) WriteHeader(httpStatus int) {
	if w.errorStatus != 0 {
		httpStatus = w.errorStatus
	}
	w.ResponseWriter.WriteHeader(httpStatus)
}

func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withResponseWriter puts the call's http.ResponseWriter, wrapped in a responseWriter, in
// its request's context, for handleStreamError.
func withResponseWriter(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		rw := &responseWriter{ResponseWriter: w}
		next(rw, r.WithContext(context.WithValue(r.Context(), responseWriterKey{}, rw)), params)
	}
}

// withoutTransportDetail replaces the message of an UNAVAILABLE the gateway's own gRPC
// client made (no Herald ErrorInfo: the server could not be reached, or its health is not
// SERVING), which names the server's address and the dial error, with a plain one; the
// detail goes to the gateway's log.
func withoutTransportDetail(st *status.Status) *status.Status {
	if st.Code() != codes.Unavailable {
		return st
	}
	for _, detail := range st.Proto().GetDetails() {
		if info, ok := unpack[*errdetails.ErrorInfo](detail); ok && info.GetDomain() == "herald" {
			return st
		}
	}
	slog.Warn("herald_unavailable", "error", st.Message())
	return status.New(codes.Unavailable, "the Herald server is unavailable; try again later")
}

// handleRoutingError answers a path no rule matches with 404 and a method a path does not
// take with 405, in the same error body.
func handleRoutingError(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	var err error
	switch httpStatus {
	case http.StatusNotFound:
		err = status.Error(codes.NotFound, "no route for "+r.Method+" "+r.URL.Path)
	case http.StatusMethodNotAllowed:
		err = &runtime.HTTPStatusError{
			HTTPStatus: http.StatusMethodNotAllowed,
			Err:        status.Error(codes.Unimplemented, "method "+r.Method+" not allowed on "+r.URL.Path),
		}
	case http.StatusBadRequest:
		err = status.Error(codes.InvalidArgument, http.StatusText(httpStatus))
	default:
		err = &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: status.Error(codes.Unknown, http.StatusText(httpStatus))}
	}
	handleError(ctx, mux, marshaler, w, r, err)
}
