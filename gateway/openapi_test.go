package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	heraldv1 "github.com/herald-dispatch/herald/clients/go/heraldv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// fakeCampaigns answers SendCampaign with its refusal, else a send record.
type fakeCampaigns struct {
	heraldv1.UnimplementedCampaignServiceServer
	refusal *status.Status
}

func (s fakeCampaigns) SendCampaign(context.Context, *heraldv1.SendCampaignRequest) (*heraldv1.SendCampaignResponse, error) {
	if s.refusal != nil {
		return nil, s.refusal.Err()
	}
	return &heraldv1.SendCampaignResponse{Send: &heraldv1.CampaignSend{
		Id: "s1", CampaignId: "spring", Status: heraldv1.CampaignSendStatus_CAMPAIGN_SEND_STATUS_SENDING,
		TotalRecipients: 2, StartedAt: timestamppb.New(time.Unix(1700000000, 0)), CreatedBy: "jwt:tests",
	}}, nil
}

// servedOpenAPI is /openapi.json as the gateway serves it, decoded.
func servedOpenAPI(t *testing.T, handler http.Handler) object {
	t.Helper()
	reply := call(handler, http.MethodGet, "/openapi.json", "", false)
	if reply.Code != http.StatusOK || reply.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("/openapi.json: %d %q", reply.Code, reply.Header().Get("Content-Type"))
	}
	return decodeJSON(t, reply.Body.Bytes()).(object)
}

func decodeJSON(t *testing.T, raw []byte) any {
	t.Helper()
	var value any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&value); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return value
}

// lookup follows keys from root ("paths", "/send", "post", ...).
func lookup(root any, keys ...string) any {
	for _, key := range keys {
		m, _ := root.(object)
		root = m[key]
	}
	return root
}

func schemaRef(doc object, path string, code string) string {
	target, _ := lookup(doc, "paths", path, "post", "responses", code, "schema", "$ref").(string)
	return strings.TrimPrefix(target, "#/definitions/")
}

func TestOpenAPISeedPathsReferenceTheirAnswersSchemas(t *testing.T) {
	doc := servedOpenAPI(t, deliveryGateway(t, fakeDelivery{}))
	for _, c := range []struct{ path, code, definition string }{
		{seed000Path, "200", "seed000SendMessageResponse"},
		{seed000Path, "400", "seed000ProblemDetails"},
		{seed000Path, "default", "seed000ProblemDetails"},
		{seed001Path, "200", "seed001SendNotificationResponse"},
		{seed001Path, "default", "seed001Error"},
		{"/communication/messages/{userId}/send", "400", "seed002Error"},
		{"/communication/messages/{userId}/send", "default", "heraldError"},
		{seed003Path, "202", "seed003Accepted"},
		{seed003Path, "default", "heraldError"},
		{seed004Path, "200", "seed004SendCampaignResponse"},
		{seed004Path, "default", "heraldError"},
		{"/v1/users", "default", "rpcStatus"}, // the other paths as generated
	} {
		if got := schemaRef(doc, c.path, c.code); got != c.definition {
			t.Errorf("%s %s: schema %q, want %q", c.path, c.code, got, c.definition)
		}
	}
	seed002 := lookup(doc, "paths", "/communication/messages/{userId}/send", "post", "responses", "200")
	if seed002 == nil || lookup(seed002, "schema") != nil {
		t.Errorf("seed 002's 200 is %v, want one without a schema", seed002)
	}
	if lookup(doc, "paths", seed003Path, "post", "responses", "200") != nil {
		t.Error("seed 003's path still documents a 200")
	}
	produces, _ := lookup(doc, "paths", seed000Path, "post", "produces").([]any)
	if !slices.Contains(produces, any(problemContentType)) {
		t.Errorf("seed 000 produces %v", produces)
	}
	for path, channel := range map[string][]string{"seedChannelPascalCase": {"Email", "InApp"}, "seedChannelLowercase": {"sms", "in_app"}} {
		values, _ := lookup(doc, "definitions", path, "enum").([]any)
		for _, want := range channel {
			if !slices.Contains(values, any(want)) {
				t.Errorf("%s: %v lacks %q", path, values, want)
			}
		}
	}
	if lookup(doc, "definitions", "seed004CampaignSend", "properties", "total_recipients") == nil {
		t.Errorf("seed004CampaignSend: %v", lookup(doc, "definitions", "seed004CampaignSend", "properties"))
	}

	// Every reference resolves, and the rest of the document is the generated one.
	var refs []string
	collectRefs(doc, &refs)
	for _, target := range refs {
		if lookup(doc, "definitions", strings.TrimPrefix(target, "#/definitions/")) == nil {
			t.Errorf("%s does not resolve", target)
		}
	}
	generated := decodeJSON(t, generatedOpenAPI).(object)
	for path, item := range generated["paths"].(object) {
		if seedDocPath(path) {
			continue
		}
		if !reflect.DeepEqual(lookup(doc, "paths", path), item) {
			t.Errorf("%s differs from the generated document", path)
		}
	}
	for name, def := range generated["definitions"].(object) {
		if !reflect.DeepEqual(lookup(doc, "definitions", name), def) {
			t.Errorf("definition %s differs from the generated one", name)
		}
	}
}

func seedDocPath(path string) bool {
	return slices.Contains([]string{seed000Path, seed001Path, "/communication/messages/{userId}/send", seed003Path, seed004Path}, path)
}

func collectRefs(v any, refs *[]string) {
	switch value := v.(type) {
	case object:
		for k, item := range value {
			if s, ok := item.(string); ok && k == "$ref" {
				*refs = append(*refs, s)
			}
			collectRefs(item, refs)
		}
	case []any:
		for _, item := range value {
			collectRefs(item, refs)
		}
	}
}

// TestOpenAPIDescribesTheSeedPathsAnswers checks answers the gateway gives on each seed
// path against the schema the served document has for their status (a 2xx must be listed;
// an error may fall to `default`), strictly: no member the schema does not declare.
func TestOpenAPIDescribesTheSeedPathsAnswers(t *testing.T) {
	sent := &heraldv1.SendMessageResponse{MessageId: "m1", Results: []*heraldv1.ChannelResult{
		{Channel: heraldv1.Channel_CHANNEL_IN_APP, Success: true, State: heraldv1.DeliveryState_DELIVERY_STATE_DELIVERED,
			CompletedAt: timestamppb.Now()},
		failedResult(heraldv1.Channel_CHANNEL_SMS, "INVALID_PHONE", "not a valid phone number"),
	}}
	sent.Results[1].Sms = &heraldv1.SmsDetails{Encoding: "GSM-7", Segments: 1}
	failed := &heraldv1.SendMessageResponse{MessageId: "m2", Results: []*heraldv1.ChannelResult{
		failedResult(heraldv1.Channel_CHANNEL_EMAIL, "INVALID_ADDRESS", "550 no such mailbox"),
	}}
	notification := &heraldv1.SendNotificationResponse{
		NotificationId: "n1", Name: "notifications/n1", QueuedAt: timestamppb.Now(),
		Channels: []heraldv1.Channel{heraldv1.Channel_CHANNEL_EMAIL, heraldv1.Channel_CHANNEL_IN_APP},
		AcceptedRecipients: []*heraldv1.ChannelRecipients{
			{Channel: heraldv1.Channel_CHANNEL_EMAIL, Recipients: []string{"a@example.com"}},
		},
		RejectedRecipients: []*heraldv1.ChannelRejections{{
			Channel: heraldv1.Channel_CHANNEL_EMAIL,
			Rejected: []*heraldv1.RejectedRecipient{
				{Recipient: "nope", Reason: heraldv1.RejectionReason_REJECTION_REASON_INVALID_EMAIL},
			},
		}},
		Failures: []*heraldv1.RecipientFailure{{UserId: "u1", Channel: heraldv1.Channel_CHANNEL_IN_APP, Error: "no inbox"}},
	}
	gatewayWith := func(delivery fakeDelivery, campaigns fakeCampaigns) http.Handler {
		return gatewayServing(t, func(s *grpc.Server) {
			heraldv1.RegisterDeliveryServiceServer(s, delivery)
			heraldv1.RegisterCampaignServiceServer(s, campaigns)
		})
	}
	answering := gatewayWith(fakeDelivery{response: sent, notification: notification}, fakeCampaigns{})
	failing := gatewayWith(fakeDelivery{response: failed}, fakeCampaigns{})
	refusing := gatewayWith(fakeDelivery{refusal: invalidSend(t)},
		fakeCampaigns{refusal: status.New(codes.AlreadyExists, "campaign spring was already sent")})
	doc := servedOpenAPI(t, answering)

	seed002 := "/communication/messages/u1/send"
	for _, c := range []struct {
		handler           http.Handler
		path, docPath     string
		credentials       bool
		wantStatus        int
		wantEmptyResponse bool
	}{
		{answering, seed000Path, seed000Path, true, 200, false},
		{failing, seed000Path, seed000Path, true, 400, false},
		{refusing, seed000Path, seed000Path, true, 400, false},
		{answering, seed000Path, seed000Path, false, 401, false},
		{answering, seed001Path, seed001Path, true, 200, false},
		{refusing, seed001Path, seed001Path, true, 400, false},
		{answering, seed002, "/communication/messages/{userId}/send", true, 200, true},
		{failing, seed002, "/communication/messages/{userId}/send", true, 400, false},
		{refusing, seed002, "/communication/messages/{userId}/send", true, 400, false},
		{answering, seed002, "/communication/messages/{userId}/send", false, 401, false},
		{answering, seed003Path, seed003Path, true, 202, false},
		{refusing, seed003Path, seed003Path, true, 400, false},
		{answering, "/v1/admin/campaigns/spring/send", seed004Path, true, 200, false},
		{refusing, "/v1/admin/campaigns/spring/send", seed004Path, true, 409, false},
	} {
		name := fmt.Sprintf("%s %d", c.path, c.wantStatus)
		reply := call(c.handler, http.MethodPost, c.path, `{}`, c.credentials)
		if reply.Code != c.wantStatus {
			t.Errorf("%s: status %d: %s", name, reply.Code, reply.Body)
			continue
		}
		responses, _ := lookup(doc, "paths", c.docPath, "post", "responses").(object)
		response, listed := responses[fmt.Sprint(reply.Code)].(object)
		if !listed && reply.Code < 300 {
			t.Errorf("%s: the document does not list %d", name, reply.Code)
			continue
		}
		if !listed {
			response, _ = responses["default"].(object)
		}
		schema, hasSchema := response["schema"].(object)
		if !hasSchema {
			if reply.Body.Len() != 0 {
				t.Errorf("%s: the document says no body, the gateway answered %s", name, reply.Body)
			}
			continue
		}
		if c.wantEmptyResponse {
			t.Errorf("%s: the document has a schema for an answer with no body", name)
			continue
		}
		if problems := conforms(doc, schema, decodeJSON(t, reply.Body.Bytes()), "$"); len(problems) > 0 {
			t.Errorf("%s: the answer does not fit the document:\n  %s\n%s", name, strings.Join(problems, "\n  "), reply.Body)
		}
	}
}

// conforms checks value against an OpenAPI v2 schema (the subset protoc-gen-openapiv2 and
// openapi.go use), with x-nullable, and with undeclared object members as problems.
func conforms(doc, schema object, value any, at string) []string {
	nullable := schema["x-nullable"] == true
	for {
		target, ok := schema["$ref"].(string)
		if !ok {
			break
		}
		schema, _ = lookup(doc, "definitions", strings.TrimPrefix(target, "#/definitions/")).(object)
		nullable = nullable || schema["x-nullable"] == true
	}
	if value == nil {
		if nullable {
			return nil
		}
		return []string{at + ": null"}
	}
	var problems []string
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, value) {
		problems = append(problems, fmt.Sprintf("%s: %v is not one of %v", at, value, enum))
	}
	kind, _ := schema["type"].(string)
	switch kind {
	case "object":
		obj, ok := value.(object)
		if !ok {
			return append(problems, fmt.Sprintf("%s: %v is not an object", at, value))
		}
		properties, _ := schema["properties"].(object)
		required, _ := schema["required"].([]any)
		for _, name := range required {
			if _, present := obj[name.(string)]; !present {
				problems = append(problems, fmt.Sprintf("%s: %s is required", at, name))
			}
		}
		keys := make([]string, 0, len(obj))
		for key := range obj {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			if property, declared := properties[key].(object); declared {
				problems = append(problems, conforms(doc, property, obj[key], at+"."+key)...)
				continue
			}
			switch extra := schema["additionalProperties"].(type) {
			case object:
				problems = append(problems, conforms(doc, extra, obj[key], at+"."+key)...)
			case bool:
				if !extra {
					problems = append(problems, fmt.Sprintf("%s: %s is not declared", at, key))
				}
			default:
				problems = append(problems, fmt.Sprintf("%s: %s is not declared", at, key))
			}
		}
	case "array":
		items, ok := value.([]any)
		if !ok {
			return append(problems, fmt.Sprintf("%s: %v is not an array", at, value))
		}
		itemSchema, _ := schema["items"].(object)
		for i, item := range items {
			problems = append(problems, conforms(doc, itemSchema, item, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		if _, ok := value.(string); !ok {
			problems = append(problems, fmt.Sprintf("%s: %v is not a string", at, value))
		}
	case "integer":
		if n, ok := value.(json.Number); !ok || strings.ContainsAny(n.String(), ".eE") {
			problems = append(problems, fmt.Sprintf("%s: %v is not an integer", at, value))
		}
	case "boolean":
		if _, ok := value.(bool); !ok {
			problems = append(problems, fmt.Sprintf("%s: %v is not a boolean", at, value))
		}
	}
	return problems
}
