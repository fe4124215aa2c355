package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	heraldv1 "github.com/herald-dispatch/herald/clients/go/heraldv1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// fakeDelivery answers SendMessage and SendNotification with its refusal, else its
// response (notification), and the request id "req-9" as a header.
type fakeDelivery struct {
	heraldv1.UnimplementedDeliveryServiceServer
	refusal      *status.Status
	response     *heraldv1.SendMessageResponse
	notification *heraldv1.SendNotificationResponse
}

func (s fakeDelivery) SendMessage(ctx context.Context, _ *heraldv1.SendMessageRequest) (*heraldv1.SendMessageResponse, error) {
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-request-id", "req-9"))
	if s.refusal != nil {
		return nil, s.refusal.Err()
	}
	return s.response, nil
}

func (s fakeDelivery) SendNotification(ctx context.Context, _ *heraldv1.SendNotificationRequest) (*heraldv1.SendNotificationResponse, error) {
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-request-id", "req-9"))
	if s.refusal != nil {
		return nil, s.refusal.Err()
	}
	if s.notification != nil {
		return s.notification, nil
	}
	return &heraldv1.SendNotificationResponse{}, nil
}

func deliveryGateway(t *testing.T, server fakeDelivery) http.Handler {
	t.Helper()
	return gatewayServing(t, func(s *grpc.Server) { heraldv1.RegisterDeliveryServiceServer(s, server) })
}

// call is method path with body through handler, with credentials unless told otherwise.
func call(handler http.Handler, method, path, body string, credentials bool) *httptest.ResponseRecorder {
	request := httptest.NewRequest(method, path, strings.NewReader(body))
	if credentials {
		request.Header.Set("Authorization", "Bearer t")
	}
	reply := httptest.NewRecorder()
	handler.ServeHTTP(reply, request)
	return reply
}

func withDetails(t *testing.T, st *status.Status, details ...*errdetails.ErrorInfo) *status.Status {
	t.Helper()
	for _, detail := range details {
		var err error
		if st, err = st.WithDetails(detail); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func invalidSend(t *testing.T) *status.Status {
	t.Helper()
	st, err := status.New(codes.InvalidArgument, "invalid request: subject, email_address").WithDetails(
		&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: "herald"},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "subject", Description: "is required"},
			{Field: "email_address", Description: "is required for the email channel"},
			{Field: "email_address", Description: "must be an address"},
			{Field: "message_body.subject", Description: "is required"},
			{Field: "attachments[0].content_type", Description: "must be a MIME type"},
		}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

type problemReply struct {
	Type    string              `json:"type"`
	Title   string              `json:"title"`
	Status  any                 `json:"status"`
	Detail  string              `json:"detail"`
	TraceID string              `json:"traceId"`
	Reason  string              `json:"reason"`
	Code    string              `json:"code"`
	Errors  map[string][]string `json:"errors"`
	Details []map[string]any    `json:"details"`
	Results []struct {
		Channel   string  `json:"channel"`
		Success   bool    `json:"success"`
		Error     *string `json:"error"`
		ErrorCode string  `json:"errorCode"`
	} `json:"results"`
	MessageID string `json:"messageId"`
}

// problemOf checks reply is problem details with httpStatus and returns it.
func problemOf(t *testing.T, reply *httptest.ResponseRecorder, httpStatus int) problemReply {
	t.Helper()
	if reply.Code != httpStatus {
		t.Fatalf("status %d, want %d: %s", reply.Code, httpStatus, reply.Body)
	}
	if got := reply.Header().Get("Content-Type"); got != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", got)
	}
	var got problemReply
	if err := json.Unmarshal(reply.Body.Bytes(), &got); err != nil {
		t.Fatalf("%s: %v", reply.Body, err)
	}
	if got.Status != float64(httpStatus) {
		t.Errorf("status member %#v, want the number %d", got.Status, httpStatus)
	}
	if got.Type == "" || got.Title == "" || got.Detail == "" || got.Reason == "" {
		t.Errorf("type, title, detail and reason are required: %s", reply.Body)
	}
	return got
}

func TestSeed000ValidationErrorsAreValidationProblemDetails(t *testing.T) {
	handler := deliveryGateway(t, fakeDelivery{refusal: invalidSend(t)})
	got := problemOf(t, call(handler, http.MethodPost, seed000Path, `{"subject": ""}`, true), http.StatusBadRequest)
	if got.Type != "https://tools.ietf.org/html/rfc9110#section-15.5.1" ||
		got.Title != "One or more validation errors occurred." ||
		got.Detail != "invalid request: subject, email_address" || got.TraceID != "req-9" ||
		got.Reason != "INVALID_ARGUMENT" || got.Code != "INVALID_ARGUMENT" {
		t.Errorf("problem %+v", got)
	}
	want := map[string][]string{
		"subject":                    {"subject is required"},
		"emailAddress":               {"emailAddress is required for the email channel", "emailAddress must be an address"},
		"messageBody.subject":        {"messageBody.subject is required"},
		"attachments[0].contentType": {"attachments[0].contentType must be a MIME type"},
	}
	if len(got.Errors) != len(want) {
		t.Errorf("errors %v, want %v", got.Errors, want)
	}
	for field, messages := range want {
		if strings.Join(got.Errors[field], "|") != strings.Join(messages, "|") {
			t.Errorf("errors[%q] = %q, want %q", field, got.Errors[field], messages)
		}
	}
	// Herald's details are kept.
	if len(got.Details) != 2 || !strings.HasSuffix(got.Details[1]["@type"].(string), "google.rpc.BadRequest") {
		t.Errorf("details %v", got.Details)
	}
}

func TestSeed000BodiesTheGatewayCannotDecodeAreValidationProblemDetails(t *testing.T) {
	handler := deliveryGateway(t, fakeDelivery{response: &heraldv1.SendMessageResponse{}})
	for body, field := range map[string]string{
		`{"subject": "s", "channels": ["Email", "Fax"]}`: "channels",
		`{"subject": "s", "is_html": "yes"}`:             "isHtml",
		`{"subject": "s", "email_addres": "a@b.c"}`:      "emailAddres",
		`{not json`: "$",
	} {
		got := problemOf(t, call(handler, http.MethodPost, seed000Path, body, true), http.StatusBadRequest)
		if len(got.Errors) != 1 || len(got.Errors[field]) != 1 {
			t.Errorf("%s: errors %v, want one for %q", body, got.Errors, field)
		}
		if got.Title != validationTitle || got.Code != "INVALID_ARGUMENT" {
			t.Errorf("%s: %+v", body, got)
		}
	}
}

func TestSeed000EveryErrorStatusIsProblemDetails(t *testing.T) {
	rateLimited, err := status.New(codes.ResourceExhausted, "too many calls").WithDetails(
		&errdetails.ErrorInfo{Reason: "RATE_LIMITED", Domain: "herald"},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)},
	)
	if err != nil {
		t.Fatal(err)
	}
	scope := withDetails(t, status.New(codes.PermissionDenied, "needs send_messages"),
		&errdetails.ErrorInfo{Reason: "SCOPE_MISSING", Domain: "herald"})
	for _, c := range []struct {
		refusal     *status.Status
		credentials bool
		method      string
		httpStatus  int
		title       string
		reason      string
		header      string
		value       string
	}{
		{nil, false, http.MethodPost, 401, "Unauthorized", "CREDENTIALS_MISSING", "WWW-Authenticate", `Bearer realm="herald"`},
		{status.New(codes.Unauthenticated, "bad token"), true, http.MethodPost, 401, "Unauthorized", "UNAUTHENTICATED", "WWW-Authenticate", `Bearer realm="herald"`},
		{scope, true, http.MethodPost, 403, "Forbidden", "SCOPE_MISSING", "", ""},
		{rateLimited, true, http.MethodPost, 429, "Too Many Requests", "RATE_LIMITED", "Retry-After", "2"},
		{status.New(codes.Internal, "internal error; see the server log"), true, http.MethodPost, 500, "Internal Server Error", "INTERNAL", "", ""},
		{status.New(codes.DeadlineExceeded, "too slow"), true, http.MethodPost, 504, "Gateway Timeout", "DEADLINE_EXCEEDED", "", ""},
		{nil, true, http.MethodDelete, 405, "Method Not Allowed", "UNIMPLEMENTED", "", ""},
	} {
		handler := deliveryGateway(t, fakeDelivery{refusal: c.refusal, response: &heraldv1.SendMessageResponse{}})
		reply := call(handler, c.method, seed000Path, `{}`, c.credentials)
		got := problemOf(t, reply, c.httpStatus)
		if got.Title != c.title || got.Reason != c.reason || got.Errors != nil {
			t.Errorf("%d: %+v", c.httpStatus, got)
		}
		if c.header != "" && reply.Header().Get(c.header) != c.value {
			t.Errorf("%d: %s %q, want %q", c.httpStatus, c.header, reply.Header().Get(c.header), c.value)
		}
	}
}

func failedResult(channel heraldv1.Channel, code, message string) *heraldv1.ChannelResult {
	return &heraldv1.ChannelResult{
		Channel: channel, Error: message, ErrorCode: code, Permanent: true, Attempts: 1,
		State: heraldv1.DeliveryState_DELIVERY_STATE_FAILED,
	}
}

func TestSeed000EveryChannelFailingIsA400ProblemWithTheResults(t *testing.T) {
	failed := &heraldv1.SendMessageResponse{MessageId: "m1", Results: []*heraldv1.ChannelResult{
		failedResult(heraldv1.Channel_CHANNEL_WEBHOOK, "WEBHOOK_HTTP_STATUS", "webhook answered HTTP 400"),
		failedResult(heraldv1.Channel_CHANNEL_PUSH, "UNREGISTERED_TOKEN", "unregistered"),
		failedResult(heraldv1.Channel_CHANNEL_PUSH, "UNREGISTERED_TOKEN", "unregistered"),
	}}
	handler := deliveryGateway(t, fakeDelivery{response: failed})
	reply := call(handler, http.MethodPost, seed000Path, `{}`, true)
	got := problemOf(t, reply, http.StatusBadRequest)
	if got.Title != "Dispatch failed" || got.Reason != "DISPATCH_FAILED" || got.MessageID != "m1" ||
		got.TraceID != "req-9" || !strings.Contains(got.Detail, "every channel failed (Webhook, Push)") {
		t.Errorf("problem %s", reply.Body)
	}
	if len(got.Results) != 3 || got.Results[0].Channel != "Webhook" || got.Results[0].Success ||
		got.Results[0].Error == nil || *got.Results[0].Error != "webhook answered HTTP 400" ||
		got.Results[0].ErrorCode != "WEBHOOK_HTTP_STATUS" || got.Results[1].Channel != "Push" {
		t.Errorf("results %s", reply.Body)
	}
	if reply.Header().Get("X-Request-Id") != "req-9" {
		t.Errorf("X-Request-Id %q", reply.Header().Get("X-Request-Id"))
	}
}

func TestSeed002SuccessHasNoBody(t *testing.T) {
	webhook := failedResult(heraldv1.Channel_CHANNEL_WEBHOOK, "WEBHOOK_HTTP_STATUS", "webhook answered HTTP 400")
	for name, results := range map[string][]*heraldv1.ChannelResult{
		"delivered":            {{Channel: heraldv1.Channel_CHANNEL_EMAIL, Success: true, State: heraldv1.DeliveryState_DELIVERY_STATE_DELIVERED}},
		"one of two delivered": {webhook, {Channel: heraldv1.Channel_CHANNEL_SMS, Success: true, State: heraldv1.DeliveryState_DELIVERY_STATE_DELIVERED}},
		"queued":               {{Channel: heraldv1.Channel_CHANNEL_SMS, State: heraldv1.DeliveryState_DELIVERY_STATE_QUEUED}},
	} {
		response := &heraldv1.SendMessageResponse{MessageId: "m1", Results: results}
		reply := call(deliveryGateway(t, fakeDelivery{response: response}), http.MethodPost, "/communication/messages/u1/send", `{}`, true)
		if reply.Code != http.StatusOK || reply.Body.Len() != 0 {
			t.Errorf("%s: %d %q, want 200 and no body", name, reply.Code, reply.Body)
		}
		if got := reply.Header().Get("Content-Type"); got != "" {
			t.Errorf("%s: Content-Type %q for no body", name, got)
		}
		if got := reply.Header().Get("X-Request-Id"); got != "req-9" {
			t.Errorf("%s: X-Request-Id %q", name, got)
		}
	}
}

func TestSeed002EveryChannelFailingIsA400ErrorBodyWithTheResults(t *testing.T) {
	failed := &heraldv1.SendMessageResponse{MessageId: "m1", Results: []*heraldv1.ChannelResult{
		failedResult(heraldv1.Channel_CHANNEL_EMAIL, "INVALID_ADDRESS", "550 no such mailbox"),
		failedResult(heraldv1.Channel_CHANNEL_SMS, "INVALID_PHONE", "not a valid phone number"),
		failedResult(heraldv1.Channel_CHANNEL_SMS, "INVALID_PHONE", "not a valid phone number"),
	}}
	reply := call(deliveryGateway(t, fakeDelivery{response: failed}), http.MethodPost, "/communication/messages/u1/send", `{}`, true)
	got := errorBodyOf(t, reply, http.StatusBadRequest)
	if got["error"] != "DISPATCH_FAILED" || got["code"] != float64(0) || got["status"] != "OK" ||
		got["message"] != "every channel failed (email, sms); each one's error is in results" ||
		got["messageId"] != "m1" || got["replayed"] != false {
		t.Errorf("body %s", reply.Body)
	}
	if details, ok := got["details"].([]any); !ok || len(details) != 0 {
		t.Errorf("details %v, want []", got["details"])
	}
	results, _ := got["results"].([]any)
	if len(results) != 3 {
		t.Fatalf("results %v", got["results"])
	}
	first, _ := results[0].(map[string]any)
	if first["channel"] != "CHANNEL_EMAIL" || first["success"] != false || first["error"] != "550 no such mailbox" ||
		first["errorCode"] != "INVALID_ADDRESS" || first["state"] != "DELIVERY_STATE_FAILED" {
		t.Errorf("results[0] %v", first)
	}
	if reply.Header().Get("X-Request-Id") != "req-9" {
		t.Errorf("X-Request-Id %q", reply.Header().Get("X-Request-Id"))
	}
}

func TestSeed000OneChannelDeliveredOrPendingStays200(t *testing.T) {
	webhook := failedResult(heraldv1.Channel_CHANNEL_WEBHOOK, "WEBHOOK_HTTP_STATUS", "webhook answered HTTP 400")
	for name, other := range map[string]*heraldv1.ChannelResult{
		"delivered": {Channel: heraldv1.Channel_CHANNEL_IN_APP, Success: true, State: heraldv1.DeliveryState_DELIVERY_STATE_DELIVERED},
		"queued":    {Channel: heraldv1.Channel_CHANNEL_SMS, State: heraldv1.DeliveryState_DELIVERY_STATE_QUEUED},
	} {
		response := &heraldv1.SendMessageResponse{Results: []*heraldv1.ChannelResult{webhook, other}}
		reply := call(deliveryGateway(t, fakeDelivery{response: response}), http.MethodPost, seed000Path, `{}`, true)
		if reply.Code != http.StatusOK || reply.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %q %s", name, reply.Code, reply.Header().Get("Content-Type"), reply.Body)
		}
		var got map[string]any
		if err := json.Unmarshal(reply.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if results, _ := got["results"].([]any); len(results) != 2 || got["status"] != nil {
			t.Errorf("%s: %s", name, reply.Body)
		}
	}
}

// errorBodyOf checks reply is Herald's own error body with httpStatus and returns it.
func errorBodyOf(t *testing.T, reply *httptest.ResponseRecorder, httpStatus int) map[string]any {
	t.Helper()
	if reply.Code != httpStatus || reply.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %q, want %d application/json: %s", reply.Code, reply.Header().Get("Content-Type"), httpStatus, reply.Body)
	}
	var got map[string]any
	if err := json.Unmarshal(reply.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestOtherPathsKeepHeraldsErrorBody(t *testing.T) {
	handler := deliveryGateway(t, fakeDelivery{refusal: invalidSend(t)})
	for _, path := range []string{"/communication/messages/u1/send", seed003Path} {
		got := errorBodyOf(t, call(handler, http.MethodPost, path, `{}`, true), http.StatusBadRequest)
		if got["error"] != "INVALID_ARGUMENT" || got["status"] != "INVALID_ARGUMENT" || got["code"] != float64(3) ||
			got["message"] != "invalid request: subject, email_address" || got["errors"] != nil {
			t.Errorf("%s: %v", path, got)
		}
	}
	got := errorBodyOf(t, call(handler, http.MethodPost, seed003Path, `{}`, false), http.StatusUnauthorized)
	if got["error"] != "CREDENTIALS_MISSING" || got["status"] != "UNAUTHENTICATED" {
		t.Errorf("401: %v", got)
	}
}

func TestJSONFieldPath(t *testing.T) {
	for path, want := range map[string]string{
		"subject":                     "subject",
		"email_address":               "emailAddress",
		"channels[2]":                 "channels[2]",
		"message_body.subject":        "messageBody.subject",
		"attachments[0].content_type": "attachments[0].contentType",
		"push_data[a_b]":              "pushData[a_b]",
	} {
		if got := jsonFieldPath(path); got != want {
			t.Errorf("%q: %q, want %q", path, got, want)
		}
	}
}

func TestSeed001ErrorsHaveTheSeedsPayload(t *testing.T) {
	notFound := withDetails(t, status.New(codes.NotFound, "cluster nope not found"),
		&errdetails.ErrorInfo{Reason: "CLUSTER_NOT_FOUND", Domain: "herald"})
	for _, c := range []struct {
		refusal      *status.Status
		credentials  bool
		method       string
		statusCode   string
		phrase       string
		reason       string
		code         float64
		details      int
		httpStatus   int
		grpcCodeName string
	}{
		{invalidSend(t), true, http.MethodPost, "400", "Bad request", "INVALID_ARGUMENT", 3, 2, 400, "INVALID_ARGUMENT"},
		{notFound, true, http.MethodPost, "404", "Not found", "CLUSTER_NOT_FOUND", 5, 1, 404, "NOT_FOUND"},
		{status.New(codes.FailedPrecondition, "nobody passed"), true, http.MethodPost, "422", "Unprocessable entity", "FAILED_PRECONDITION", 9, 0, 422, "FAILED_PRECONDITION"},
		{status.New(codes.PermissionDenied, "no"), true, http.MethodPost, "403", "Forbidden", "PERMISSION_DENIED", 7, 0, 403, "PERMISSION_DENIED"},
		{nil, false, http.MethodPost, "401", "Unauthorized", "CREDENTIALS_MISSING", 16, 1, 401, "UNAUTHENTICATED"},
		{status.New(codes.Unavailable, "down"), true, http.MethodPost, "503", "Service unavailable", "UNAVAILABLE", 14, 0, 503, "UNAVAILABLE"},
		{nil, true, http.MethodDelete, "405", "Method not allowed", "UNIMPLEMENTED", 12, 0, 405, "UNIMPLEMENTED"},
	} {
		handler := deliveryGateway(t, fakeDelivery{refusal: c.refusal})
		got := errorBodyOf(t, call(handler, c.method, seed001Path, `{}`, c.credentials), c.httpStatus)
		if got["statusCode"] != c.statusCode || got["error"] != c.phrase || got["reason"] != c.reason ||
			got["code"] != c.code || got["status"] != c.grpcCodeName {
			t.Errorf("%s: %v", c.statusCode, got)
		}
		if message, _ := got["message"].(string); message == "" {
			t.Errorf("%s: no message: %v", c.statusCode, got)
		}
		if details, _ := got["details"].([]any); len(details) != c.details {
			t.Errorf("%s: details %v, want %d", c.statusCode, got["details"], c.details)
		}
	}
}

// The gateway's own refusals, which the server never sees, carry a request id too: the
// caller's X-Request-Id (as the server takes it), else a new one.
func TestTheGatewaysOwnRefusalsCarryARequestID(t *testing.T) {
	handler := deliveryGateway(t, fakeDelivery{response: &heraldv1.SendMessageResponse{}})
	refusals := map[string]struct {
		path, body  string
		credentials bool
		status      int
	}{
		"no credentials":  {seed000Path, `{"subject": "s"}`, false, http.StatusUnauthorized},
		"unreadable body": {seed000Path, `{not json`, true, http.StatusBadRequest},
		"no route":        {"/v1/nothing-here", `{}`, true, http.StatusNotFound},
	}
	for name, c := range refusals {
		for _, sent := range []string{"client-7", "", strings.Repeat("x", 129), "bad\x7fid"} {
			request := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
			if c.credentials {
				request.Header.Set("Authorization", "Bearer t")
			}
			if sent != "" {
				request.Header.Set("X-Request-Id", sent)
			}
			reply := httptest.NewRecorder()
			handler.ServeHTTP(reply, request)
			got := reply.Header().Get("X-Request-Id")
			if reply.Code != c.status {
				t.Errorf("%s, %q: status %d", name, sent, reply.Code)
			}
			switch {
			case sent == "client-7" && got != sent:
				t.Errorf("%s: X-Request-Id %q, want the caller's", name, got)
			case sent != "client-7" && (len(got) != 32 || got == sent):
				t.Errorf("%s, %q: X-Request-Id %q, want a new one", name, sent, got)
			}
			if c.path == seed000Path {
				var problem struct {
					TraceID string `json:"traceId"`
				}
				if err := json.Unmarshal(reply.Body.Bytes(), &problem); err != nil || problem.TraceID != got {
					t.Errorf("%s, %q: traceId %q, X-Request-Id %q (%v)", name, sent, problem.TraceID, got, err)
				}
			}
		}
	}
}
