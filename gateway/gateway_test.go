package gateway

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	heraldv1 "github.com/herald-dispatch/herald/clients/go/heraldv1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/durationpb"
)

func TestSeedSpellingsOfEnumValues(t *testing.T) {
	body := `{"channels": ["Email", "Sms", "Push", "InApp", "Webhook", "in_app", "CHANNEL_SMS"],
		"deliveryMethod": "both", "message_type": "forgottenpassword",
		"data": {"channel": "Email"}}`
	var request heraldv1.SendMessageRequest
	if err := newMarshaler().Unmarshal([]byte(body), &request); err != nil {
		t.Fatal(err)
	}
	want := []heraldv1.Channel{
		heraldv1.Channel_CHANNEL_EMAIL, heraldv1.Channel_CHANNEL_SMS, heraldv1.Channel_CHANNEL_PUSH,
		heraldv1.Channel_CHANNEL_IN_APP, heraldv1.Channel_CHANNEL_WEBHOOK,
		heraldv1.Channel_CHANNEL_IN_APP, heraldv1.Channel_CHANNEL_SMS,
	}
	if len(request.Channels) != len(want) {
		t.Fatalf("channels %v", request.Channels)
	}
	for i, channel := range want {
		if request.Channels[i] != channel {
			t.Errorf("channels[%d] = %v, want %v", i, request.Channels[i], channel)
		}
	}
	if request.DeliveryMethod != heraldv1.DeliveryMethod_DELIVERY_METHOD_BOTH {
		t.Errorf("delivery method %v", request.DeliveryMethod)
	}
	if request.MessageType != heraldv1.MessageType_MESSAGE_TYPE_FORGOTTENPASSWORD {
		t.Errorf("message type %v", request.MessageType)
	}
	// Free-form data keeps its values.
	if got := request.Data.Fields["channel"].GetStringValue(); got != "Email" {
		t.Errorf("data.channel = %q", got)
	}
	// Nested messages (body: "campaign") and unknown spellings.
	var campaign *heraldv1.Campaign
	if err := newMarshaler().Unmarshal([]byte(`{"channels": ["webhook"]}`), &campaign); err != nil {
		t.Fatal(err)
	}
	if campaign.Channels[0] != heraldv1.Channel_CHANNEL_WEBHOOK {
		t.Errorf("campaign channels %v", campaign.Channels)
	}
	for _, bad := range []string{`{"channels": ["fax"]}`, `{"channels": ["unspecified"]}`, `{"channels": [""]}`} {
		var r heraldv1.SendNotificationRequest
		if err := newMarshaler().Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s was accepted: %v", bad, r.Channels)
		}
	}
}

func TestSeed003View(t *testing.T) {
	response := &heraldv1.SendNotificationResponse{
		NotificationId: "n1",
		Channels:       []heraldv1.Channel{heraldv1.Channel_CHANNEL_EMAIL, heraldv1.Channel_CHANNEL_IN_APP},
		AcceptedRecipients: []*heraldv1.ChannelRecipients{
			{Channel: heraldv1.Channel_CHANNEL_EMAIL, Recipients: []string{"alice@example.com"}},
		},
		RejectedRecipients: []*heraldv1.ChannelRejections{{
			Channel: heraldv1.Channel_CHANNEL_EMAIL,
			Rejected: []*heraldv1.RejectedRecipient{
				{Recipient: "bob@outside.com", Reason: heraldv1.RejectionReason_REJECTION_REASON_NOT_IN_ALLOW_LIST},
				{Recipient: "x@example.com", Reason: heraldv1.RejectionReason_REJECTION_REASON_MAX_RECIPIENTS_EXCEEDED},
			},
		}},
	}
	raw, err := seed003View(response)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Data struct {
			NotificationID     string                         `json:"notification_id"`
			QueuedAt           *string                        `json:"queued_at"`
			Channels           []string                       `json:"channels"`
			AcceptedRecipients map[string][]string            `json:"accepted_recipients"`
			RejectedRecipients map[string][]map[string]string `json:"rejected_recipients"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	d := got.Data
	if d.NotificationID != "n1" || d.QueuedAt != nil || len(d.Channels) != 2 || d.Channels[1] != "in_app" {
		t.Errorf("data %s", raw)
	}
	if d.AcceptedRecipients["email"][0] != "alice@example.com" {
		t.Errorf("accepted %v", d.AcceptedRecipients)
	}
	rejected := d.RejectedRecipients["email"]
	if len(rejected) != 2 || rejected[0]["reason"] != "not_in_allow_list" ||
		rejected[0]["recipient"] != "bob@outside.com" || rejected[1]["reason"] != "max_recipients_exceeded" {
		t.Errorf("rejected %v", rejected)
	}
}

func TestSeed000ChannelNames(t *testing.T) {
	raw, err := seed000View(&heraldv1.SendMessageResponse{Results: []*heraldv1.ChannelResult{
		{Channel: heraldv1.Channel_CHANNEL_IN_APP, Success: true},
		{Channel: heraldv1.Channel_CHANNEL_SMS, Error: "User not found"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Results []struct {
			Channel string  `json:"channel"`
			Error   *string `json:"error"`
		} `json:"results"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Results[0].Channel != "InApp" || got.Results[0].Error != nil ||
		got.Results[1].Channel != "Sms" || *got.Results[1].Error != "User not found" {
		t.Errorf("results %s", raw)
	}
	// The same message as protojson parses back once the names are proto names again.
	var back heraldv1.SendMessageResponse
	if err := newMarshaler().Unmarshal(raw, &back); err != nil {
		t.Errorf("%s: %v", raw, err)
	}
	_ = protojson.Format(&back)
}

func TestHTTPStatus(t *testing.T) {
	for code, want := range map[codes.Code]int{
		codes.InvalidArgument:    http.StatusBadRequest,
		codes.Unauthenticated:    http.StatusUnauthorized,
		codes.PermissionDenied:   http.StatusForbidden,
		codes.NotFound:           http.StatusNotFound,
		codes.AlreadyExists:      http.StatusConflict,
		codes.FailedPrecondition: http.StatusUnprocessableEntity,
		codes.ResourceExhausted:  http.StatusTooManyRequests,
		codes.Internal:           http.StatusInternalServerError,
		codes.Unknown:            http.StatusInternalServerError,
		codes.Unavailable:        http.StatusServiceUnavailable,
		codes.DeadlineExceeded:   http.StatusGatewayTimeout,
	} {
		if got := HTTPStatus(code); got != want {
			t.Errorf("%v: %d, want %d", code, got, want)
		}
	}
}

// refusingInbox answers every watch with its request id as a header and its messages, then
// refuses it.
type refusingInbox struct {
	heraldv1.UnimplementedInboxServiceServer
	refusal  *status.Status
	messages []*heraldv1.WatchInboxResponse
}

func (s refusingInbox) WatchInbox(_ *heraldv1.WatchInboxRequest, stream grpc.ServerStreamingServer[heraldv1.WatchInboxResponse]) error {
	if err := stream.SendHeader(metadata.Pairs("x-request-id", "req-1")); err != nil {
		return err
	}
	for _, message := range s.messages {
		if err := stream.Send(message); err != nil {
			return err
		}
	}
	return s.refusal.Err()
}

// gatewayInFrontOf is the gateway's handler calling server in-process.
func gatewayInFrontOf(t *testing.T, server heraldv1.InboxServiceServer) http.Handler {
	t.Helper()
	return gatewayServing(t, func(s *grpc.Server) { heraldv1.RegisterInboxServiceServer(s, server) })
}

// gatewayServing is the gateway's handler calling, in-process, a gRPC server with what
// register gives it.
func gatewayServing(t *testing.T, register func(*grpc.Server)) http.Handler {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	grpcServer := grpc.NewServer()
	register(grpcServer)
	go func() { _ = grpcServer.Serve(listener) }()
	t.Cleanup(grpcServer.Stop)
	return gatewayDialing(t, listener)
}

// gatewayDialing is the gateway's handler with its gRPC client dialing listener.
func gatewayDialing(t *testing.T, listener *bufconn.Listener) http.Handler {
	t.Helper()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return listener.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	handler, err := New(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	return handler
}

func TestAStreamRefusedBeforeItsFirstMessageHasTheErrorHeaders(t *testing.T) {
	rateLimited, err := status.New(codes.ResourceExhausted, "too many calls").
		WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		refusal       *status.Status
		httpStatus    int
		header, value string
	}{
		{rateLimited, http.StatusTooManyRequests, "Retry-After", "2"},
		{status.New(codes.Unauthenticated, "bad token"), http.StatusUnauthorized, "WWW-Authenticate", `Bearer realm="herald"`},
	} {
		handler := gatewayInFrontOf(t, refusingInbox{refusal: c.refusal})
		request := httptest.NewRequest(http.MethodGet, "/v1/users/u1/inbox:watch", nil)
		request.Header.Set("Authorization", "Bearer t")
		reply := httptest.NewRecorder()
		handler.ServeHTTP(reply, request)
		if reply.Code != c.httpStatus {
			t.Errorf("%v: status %d, want %d: %s", c.refusal.Code(), reply.Code, c.httpStatus, reply.Body)
		}
		if got := reply.Header().Get(c.header); got != c.value {
			t.Errorf("%v: %s %q, want %q", c.refusal.Code(), c.header, got, c.value)
		}
		if got := reply.Header().Get("X-Request-Id"); got != "req-1" {
			t.Errorf("%v: X-Request-Id %q", c.refusal.Code(), got)
		}
	}
}

// watchInbox is a watch of u1's inbox through handler.
func watchInbox(handler http.Handler) *httptest.ResponseRecorder {
	request := httptest.NewRequest(http.MethodGet, "/v1/users/u1/inbox:watch", nil)
	request.Header.Set("Authorization", "Bearer t")
	reply := httptest.NewRecorder()
	handler.ServeHTTP(reply, request)
	return reply
}

func TestAStreamRefusedBeforeItsFirstMessageHasTheUnaryHTTPStatus(t *testing.T) {
	for code := codes.Canceled; code <= codes.Unauthenticated; code++ {
		reply := watchInbox(gatewayInFrontOf(t, refusingInbox{refusal: status.New(code, "refused")}))
		if want := HTTPStatus(code); reply.Code != want {
			t.Errorf("%v: status %d, want %d as a unary call: %s", code, reply.Code, want, reply.Body)
		}
	}
}

func TestAStreamRefusedAfterAMessageKeeps200(t *testing.T) {
	reply := watchInbox(gatewayInFrontOf(t, refusingInbox{
		refusal:  status.New(codes.FailedPrecondition, "refused"),
		messages: []*heraldv1.WatchInboxResponse{{UnreadCount: 3}},
	}))
	if reply.Code != http.StatusOK {
		t.Errorf("status %d, want 200", reply.Code)
	}
	if !reply.Flushed {
		t.Error("the message was not flushed")
	}
	lines := strings.Split(strings.TrimSpace(reply.Body.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"result"`) || !strings.Contains(lines[1], `"error"`) {
		t.Errorf("body %q, want a result line, then an error line", reply.Body)
	}
}

// A stream the gateway cannot open is answered by handleError, as a unary call is.
func TestAStreamToAnUnreachableServerDoesNotTellItsDialError(t *testing.T) {
	listener := bufconn.Listen(1 << 20)
	_ = listener.Close() // nothing serves: each dial fails
	reply := watchInbox(gatewayDialing(t, listener))
	if reply.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503: %s", reply.Code, reply.Body)
	}
	if body := reply.Body.String(); strings.Contains(body, "dial") || !strings.Contains(body, "try again later") {
		t.Errorf("body %q, want the plain unavailable message", body)
	}
}
