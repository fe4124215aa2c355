package gateway

import (
	"encoding/json"
	"net/http"
	"testing"

	heraldv1 "github.com/herald-dispatch/herald/clients/go/heraldv1"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
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
