package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	heraldv1 "github.com/herald-dispatch/herald/clients/go/heraldv1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// The seeds' paths (the http rules in protos/herald/v1), whose answers take the shape their
// documents show. Every other path answers with the message as protojson (camelCase field
// names, every field present), as the OpenAPI document describes.
const (
	seed000Path = "/api/v1/communications/send"            // SendMessage
	seed001Path = "/send"                                  // SendNotification
	seed002Path = "/communication/messages/{user_id}/send" // SendMessage
	seed003Path = "/api/v1/notifications/send"             // SendNotification
	seed004Path = "/v1/admin/campaigns/{id}/send"          // SendCampaign
	channelEnum = protoreflect.FullName("herald.v1.Channel")
)

// route is the path pattern a request matched ("/api/v1/communications/send"): the one
// its handler set, else the one the mux matched (before the handler: requireCredentials),
// else, for a routing error (a method the path does not take), the request's path.
func route(ctx context.Context, r *http.Request) string {
	if pattern, ok := runtime.HTTPPathPattern(ctx); ok {
		return pattern
	}
	if pattern, ok := runtime.HTTPPattern(ctx); ok {
		return pattern.String()
	}
	if r != nil {
		return r.URL.Path
	}
	return ""
}

// rewriteResponse is the mux's ForwardResponseRewriter: a seed path's answer in its
// document's shape, anything else unchanged.
func rewriteResponse(ctx context.Context, resp proto.Message) (any, error) {
	pattern, _ := runtime.HTTPPathPattern(ctx)
	switch r := resp.(type) {
	case *heraldv1.SendMessageResponse:
		switch pattern {
		case seed000Path:
			if dispatchFailed(r) {
				return dispatchFailedProblem(r, requestID(ctx))
			}
			return seed000View(r)
		case seed002Path:
			if dispatchFailed(r) {
				return dispatchFailedBody(r)
			}
			return noBody{}, nil
		}
	case *heraldv1.SendNotificationResponse:
		switch pattern {
		case seed003Path:
			return seed003View(r)
		case seed001Path:
			return protoView(r, false, lowerChannel, nil)
		}
	case *heraldv1.SendCampaignResponse:
		if pattern == seed004Path {
			return protoView(r, true, nil, nil)
		}
	}
	return resp, nil
}

// forwardResponse is the mux's ForwardResponseOption: the request id as a response header,
// seed 003's 202 Accepted, seed 000's 400 ProblemDetails and seed 002's 400 error body when
// every channel failed, and no Content-Type for seed 002's bodiless 200.
func forwardResponse(ctx context.Context, w http.ResponseWriter, resp proto.Message) error {
	if id := requestID(ctx); id != "" {
		w.Header().Set("X-Request-Id", id)
	}
	pattern, _ := runtime.HTTPPathPattern(ctx)
	switch r := resp.(type) {
	case *heraldv1.SendNotificationResponse:
		if pattern == seed003Path {
			w.WriteHeader(http.StatusAccepted)
		}
	case *heraldv1.SendMessageResponse:
		switch {
		case pattern == seed000Path && dispatchFailed(r):
			w.Header().Set("Content-Type", problemContentType)
			w.WriteHeader(http.StatusBadRequest)
		case pattern == seed002Path && dispatchFailed(r):
			w.WriteHeader(http.StatusBadRequest)
		case pattern == seed002Path:
			// Present but nil: no Content-Type is sent, and none is sniffed.
			w.Header()["Content-Type"] = nil
		}
	}
	return nil
}

// noBody is an answer without a body, seed 002's success ("There is no body for this
// response"): seedMarshaler writes nothing for it.
type noBody struct{}

// requestID is the x-request-id the server answered with (a trailer, or a header).
func requestID(ctx context.Context) string {
	md, ok := runtime.ServerMetadataFromContext(ctx)
	if !ok {
		return ""
	}
	for _, values := range [][]string{md.TrailerMD.Get("x-request-id"), md.HeaderMD.Get("x-request-id")} {
		if len(values) > 0 {
			return values[0]
		}
	}
	return ""
}

// lowerChannel spells a channel like seeds 001 and 003: "email", "sms", "push", "in_app",
// "webhook".
func lowerChannel(ed protoreflect.EnumDescriptor, name string) string {
	return strings.ToLower(shortEnumName(ed, name))
}

// pascalChannel spells a channel like seed 000: "Email", "Sms", "Push", "InApp", "Webhook".
func pascalChannel(ed protoreflect.EnumDescriptor, name string) string {
	var b strings.Builder
	for _, part := range strings.Split(shortEnumName(ed, name), "_") {
		if part == "" {
			continue
		}
		b.WriteString(part[:1])
		b.WriteString(strings.ToLower(part[1:]))
	}
	return b.String()
}

type enumStyle func(ed protoreflect.EnumDescriptor, name string) string

// protoView renders msg as protojson (proto field names when protoNames) with every
// herald.v1.Channel value respelled by style, then lets edit change the decoded object.
func protoView(msg proto.Message, protoNames bool, style enumStyle, edit func(map[string]any)) (json.RawMessage, error) {
	raw, err := protojson.MarshalOptions{EmitUnpopulated: true, UseProtoNames: protoNames}.Marshal(msg)
	if err != nil {
		return nil, err
	}
	if style == nil && edit == nil {
		return raw, nil
	}
	var obj map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&obj); err != nil {
		return nil, err
	}
	if style != nil {
		restyle(obj, msg.ProtoReflect().Descriptor(), protoNames, style)
	}
	if edit != nil {
		edit(obj)
	}
	return json.Marshal(obj)
}

func restyle(obj map[string]any, md protoreflect.MessageDescriptor, protoNames bool, style enumStyle) {
	if isWellKnown(md) {
		return
	}
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		key := fd.JSONName()
		if protoNames {
			key = string(fd.Name())
		}
		value, ok := obj[key]
		if !ok || fd.IsMap() {
			continue
		}
		items := []any{value}
		if fd.IsList() {
			items, _ = value.([]any)
		}
		for j, item := range items {
			switch fd.Kind() {
			case protoreflect.EnumKind:
				if s, isString := item.(string); isString && fd.Enum().FullName() == channelEnum {
					items[j] = style(fd.Enum(), s)
				}
			case protoreflect.MessageKind:
				if child, isObject := item.(map[string]any); isObject {
					restyle(child, fd.Message(), protoNames, style)
				}
			default:
			}
		}
		if !fd.IsList() {
			obj[key] = items[0]
		}
	}
}

// seed000View: seed 000's CommunicationBatchResponseDto, {"results": [{"channel": "Email",
// "success": true, "error": null}, ...]}, with the rest of each result (errorCode,
// recipient, deliveryId, ...) and messageId and replayed beside them.
func seed000View(r *heraldv1.SendMessageResponse) (json.RawMessage, error) {
	return protoView(r, false, pascalChannel, func(obj map[string]any) {
		results, _ := obj["results"].([]any)
		for _, item := range results {
			if result, ok := item.(map[string]any); ok && result["error"] == "" {
				result["error"] = nil
			}
		}
	})
}

type seed003Rejection struct {
	Recipient string `json:"recipient"`
	Reason    string `json:"reason"`
}

type seed003Failure struct {
	UserID  string `json:"user_id"`
	Channel string `json:"channel"`
	Error   string `json:"error"`
}

type seed003Data struct {
	NotificationID     string                        `json:"notification_id"`
	Name               string                        `json:"name"`
	QueuedAt           *string                       `json:"queued_at"`
	Channels           []string                      `json:"channels"`
	AcceptedRecipients map[string][]string           `json:"accepted_recipients"`
	RejectedRecipients map[string][]seed003Rejection `json:"rejected_recipients"`
	Failures           []seed003Failure              `json:"failures"`
	Replayed           bool                          `json:"replayed"`
}

// seed003View: seed 003's 202 body, {"data": {...}} with snake_case fields, lowercase
// channels, recipients as maps channel -> list and lowercase rejection reasons
// ("not_in_allow_list").
func seed003View(r *heraldv1.SendNotificationResponse) (json.RawMessage, error) {
	channel := func(c heraldv1.Channel) string {
		return lowerChannel(c.Descriptor(), c.String())
	}
	data := seed003Data{
		NotificationID:     r.GetNotificationId(),
		Name:               r.GetName(),
		QueuedAt:           timestamp(r.GetQueuedAt()),
		Channels:           []string{},
		AcceptedRecipients: map[string][]string{},
		RejectedRecipients: map[string][]seed003Rejection{},
		Failures:           []seed003Failure{},
		Replayed:           r.GetReplayed(),
	}
	for _, c := range r.GetChannels() {
		data.Channels = append(data.Channels, channel(c))
	}
	for _, accepted := range r.GetAcceptedRecipients() {
		key := channel(accepted.GetChannel())
		data.AcceptedRecipients[key] = append(data.AcceptedRecipients[key], accepted.GetRecipients()...)
		if data.AcceptedRecipients[key] == nil {
			data.AcceptedRecipients[key] = []string{}
		}
	}
	for _, rejections := range r.GetRejectedRecipients() {
		key := channel(rejections.GetChannel())
		list := data.RejectedRecipients[key]
		if list == nil {
			list = []seed003Rejection{}
		}
		for _, rejected := range rejections.GetRejected() {
			reason := rejected.GetReason()
			list = append(list, seed003Rejection{
				Recipient: rejected.GetRecipient(),
				Reason:    strings.ToLower(shortEnumName(reason.Descriptor(), reason.String())),
			})
		}
		data.RejectedRecipients[key] = list
	}
	for _, failure := range r.GetFailures() {
		data.Failures = append(data.Failures, seed003Failure{
			UserID: failure.GetUserId(), Channel: channel(failure.GetChannel()), Error: failure.GetError(),
		})
	}
	return json.Marshal(map[string]any{"data": data})
}

// timestamp formats like protojson (RFC 3339, UTC, fractional seconds only when present).
func timestamp(ts *timestamppb.Timestamp) *string {
	if ts == nil {
		return nil
	}
	s := ts.AsTime().UTC().Format(time.RFC3339Nano)
	return &s
}
