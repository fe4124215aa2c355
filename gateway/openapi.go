package gateway

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	heraldv1 "github.com/herald-dispatch/herald/clients/go/heraldv1"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// generatedOpenAPI is the REST API's OpenAPI v2 document as protoc-gen-openapiv2 writes it
// (`make generate`): every answer protojson, every error a google.rpc.Status.
//
//go:embed openapi/herald.swagger.json
var generatedOpenAPI []byte

// OpenAPI is the document served at /openapi.json: the generated one with the seed paths'
// operations answering as views.go, errors.go and problem.go make them answer. The protos
// cannot say it (their http rules share one message per method), so the document is patched
// once, here, at start-up.
var OpenAPI = mustPatchOpenAPI(generatedOpenAPI)

func mustPatchOpenAPI(generated []byte) []byte {
	patched, err := patchOpenAPI(generated)
	if err != nil {
		panic("gateway: the generated OpenAPI document cannot be patched for the seed paths: " + err.Error())
	}
	return patched
}

type object = map[string]any

func ref(name string) object { return object{"$ref": "#/definitions/" + name} }

func patchOpenAPI(generated []byte) ([]byte, error) {
	var doc object
	d := json.NewDecoder(bytes.NewReader(generated))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return nil, err
	}
	defs, _ := doc["definitions"].(object)
	paths, _ := doc["paths"].(object)
	if defs == nil || paths == nil {
		return nil, fmt.Errorf("no paths or definitions")
	}
	p := &openAPIPatch{defs: defs}
	for name, def := range errorDefinitions() {
		defs[name] = def
	}
	defs[pascalChannelDef] = channelEnumSchema(pascalChannel, "seed 000's spelling")
	defs[lowerChannelDef] = channelEnumSchema(lowerChannel, "seeds 001's and 003's spelling")

	style000 := viewStyle{
		prefix: "seed000", channel: pascalChannelDef,
		nullable: map[protoreflect.FullName]bool{"herald.v1.ChannelResult.error": true},
	}
	seed000 := p.view("v1SendMessageResponse", messageOf[*heraldv1.SendMessageResponse](), style000)
	seed000Result := p.view("v1ChannelResult", messageOf[*heraldv1.ChannelResult](), style000)
	seed002Result := p.view("v1ChannelResult", messageOf[*heraldv1.ChannelResult](), viewStyle{prefix: "seed002"})
	seed001 := p.view("v1SendNotificationResponse", messageOf[*heraldv1.SendNotificationResponse](), viewStyle{
		prefix: "seed001", channel: lowerChannelDef,
	})
	seed004 := p.view("v1SendCampaignResponse", messageOf[*heraldv1.SendCampaignResponse](), viewStyle{
		prefix: "seed004", protoNames: true,
	})
	defs["seed000ProblemDetails"] = seed000ProblemDefinition(seed000Result)
	defs["seed002Error"] = seed002ErrorDefinition(seed002Result)
	for name, def := range seed003Definitions() {
		defs[name] = def
	}

	problemJSON := []any{"application/json", problemContentType}
	for _, patch := range []struct {
		path      string
		produces  []any
		responses object
	}{
		{seed000Path, problemJSON, object{
			"200": object{
				"description": "A result per channel, even when some failed (seed 000: a 200 does not mean every channel succeeded); channels spelt Email, Sms, Push, InApp, Webhook, and error null on success.",
				"schema":      ref(seed000),
			},
			"400": object{
				"description": "application/problem+json: a ValidationProblemDetails (errors, field -> messages) for a bad request, or, when every channel failed, \"title\": \"Dispatch failed\" (reason DISPATCH_FAILED) with results, messageId and replayed.",
				"schema":      ref("seed000ProblemDetails"),
			},
			"default": object{
				"description": "application/problem+json: ProblemDetails with Herald's reason, code and details.",
				"schema":      ref("seed000ProblemDetails"),
			},
		}},
		{seed001Path, nil, object{
			"200": object{
				"description": "Accepted and rejected recipients and failures per user and channel; channels in lowercase.",
				"schema":      ref(seed001),
			},
			"default": object{"description": "Seed 001's error payload.", "schema": ref("seed001Error")},
		}},
		{seed002Path, nil, object{
			"200": object{
				"description": "Sent (one channel delivered, or still queued when the call's wait ended). There is no body for this response.",
			},
			"400": object{
				"description": "A bad request (Herald's error body), or every channel failed: error DISPATCH_FAILED, code 0 and status OK, with the results, messageId and replayed.",
				"schema":      ref("seed002Error"),
			},
			"default": object{"description": "Herald's error body.", "schema": ref("heraldError")},
		}},
		{seed003Path, nil, object{
			"202": object{
				"description": "Queued: accepted and rejected recipients per channel (seed 003's data envelope).",
				"schema":      ref("seed003Accepted"),
			},
			"default": object{"description": "Herald's error body (422 when no recipient passed).", "schema": ref("heraldError")},
		}},
		{seed004Path, nil, object{
			"200": object{"description": "The send record, with proto (snake_case) field names.", "schema": ref(seed004)},
			"default": object{
				"description": "Herald's error body (404 unknown campaign, 409 already sent).",
				"schema":      ref("heraldError"),
			},
		}},
	} {
		operation, err := postOperation(paths, patch.path)
		if err != nil {
			return nil, err
		}
		operation["responses"] = patch.responses
		if patch.produces != nil {
			operation["produces"] = patch.produces
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	var out bytes.Buffer
	e := json.NewEncoder(&out)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	if err := e.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

const (
	pascalChannelDef = "seedChannelPascalCase"
	lowerChannelDef  = "seedChannelLowercase"
)

// postOperation is the POST operation of a seed path, named in the document as its JSON
// parameter names spell it ("/communication/messages/{userId}/send").
func postOperation(paths object, pattern string) (object, error) {
	path := pathParameter.ReplaceAllStringFunc(pattern, jsonFieldPath)
	item, _ := paths[path].(object)
	operation, _ := item["post"].(object)
	if operation == nil {
		return nil, fmt.Errorf("no POST %s", path)
	}
	return operation, nil
}

var pathParameter = regexp.MustCompile(`\{[^}]*\}`)

func messageOf[M interface{ ProtoReflect() protoreflect.Message }]() protoreflect.MessageDescriptor {
	var m M
	return m.ProtoReflect().Descriptor()
}

// viewStyle is how protoView renders a message on a seed path: property names as proto
// names (protoNames), herald.v1.Channel as the enum definition channel, and the fields in
// nullable null when empty. Every singular message field may be null: protojson writes an
// unset one as null.
type viewStyle struct {
	prefix     string
	protoNames bool
	channel    string
	nullable   map[protoreflect.FullName]bool
}

type openAPIPatch struct {
	defs object
	err  error
}

// view copies definition name, the schema of message md, and every definition it refers to,
// as style renders them, named prefix + name without "v1"; it returns the copy's name.
func (p *openAPIPatch) view(name string, md protoreflect.MessageDescriptor, style viewStyle) string {
	viewName := style.prefix + strings.TrimPrefix(name, "v1")
	if _, done := p.defs[viewName]; done {
		return viewName
	}
	def, ok := deepCopy(p.defs[name]).(object)
	if !ok {
		p.err = fmt.Errorf("no definition %s", name)
		return viewName
	}
	p.defs[viewName] = def
	properties, _ := def["properties"].(object)
	renamed := object{}
	for key, schema := range properties {
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			p.err = fmt.Errorf("%s.%s is not a field of %s", name, key, md.FullName())
			continue
		}
		if style.protoNames {
			key = string(fd.Name())
		}
		property, _ := schema.(object)
		p.viewSchema(property, fd, style)
		if style.nullable[fd.FullName()] || (fd.Kind() == protoreflect.MessageKind && fd.Cardinality() != protoreflect.Repeated) {
			property["x-nullable"] = true
		}
		renamed[key] = property
	}
	def["properties"] = renamed
	return viewName
}

func (p *openAPIPatch) viewSchema(schema object, fd protoreflect.FieldDescriptor, style viewStyle) {
	if items, ok := schema["items"].(object); ok {
		p.viewSchema(items, fd, style)
		return
	}
	if values, ok := schema["additionalProperties"].(object); ok && fd.IsMap() {
		p.viewSchema(values, fd.MapValue(), style)
		return
	}
	target, _ := schema["$ref"].(string)
	switch {
	case target == "":
	case fd.Kind() == protoreflect.EnumKind && fd.Enum().FullName() == channelEnum && style.channel != "":
		schema["$ref"] = "#/definitions/" + style.channel
	case fd.Kind() == protoreflect.MessageKind && !isWellKnown(fd.Message()):
		name := p.view(strings.TrimPrefix(target, "#/definitions/"), fd.Message(), style)
		schema["$ref"] = "#/definitions/" + name
	}
}

// channelEnumSchema is herald.v1.Channel's values as style spells them.
func channelEnumSchema(style enumStyle, spelling string) object {
	ed := heraldv1.Channel(0).Descriptor()
	values := []any{}
	for i := 0; i < ed.Values().Len(); i++ {
		values = append(values, style(ed, string(ed.Values().Get(i).Name())))
	}
	return object{"type": "string", "enum": values, "description": "herald.v1.Channel in " + spelling + "."}
}

func deepCopy(v any) any {
	switch value := v.(type) {
	case object:
		copied := object{}
		for k, item := range value {
			copied[k] = deepCopy(item)
		}
		return copied
	case []any:
		copied := make([]any, len(value))
		for i, item := range value {
			copied[i] = deepCopy(item)
		}
		return copied
	default:
		return value
	}
}

var (
	stringSchema  = object{"type": "string"}
	int32Schema   = object{"type": "integer", "format": "int32"}
	booleanSchema = object{"type": "boolean"}
	detailsSchema = object{
		"type":        "array",
		"items":       ref("protobufAny"),
		"description": "The gRPC status details, each with its @type (google.rpc.ErrorInfo, BadRequest, RetryInfo, ...).",
	}
)

func objectSchema(description string, properties object, required ...string) object {
	def := object{"type": "object", "properties": properties, "description": description}
	if len(required) > 0 {
		list := []any{}
		for _, name := range required {
			list = append(list, name)
		}
		def["required"] = list
	}
	return def
}

// errorDefinitions are errors.go's bodies: errorBody (every path but seeds 000's and
// 001's) and seed001Error.
func errorDefinitions() map[string]object {
	return map[string]object{
		"heraldError": objectSchema("Herald's error body: google.rpc.Status with the code's name and a stable error.", object{
			"error":   object{"type": "string", "description": "The ErrorInfo reason (CREDENTIALS_MISSING, SCOPE_MISSING, ...), else the code's name."},
			"message": stringSchema,
			"code":    object{"type": "integer", "format": "int32", "description": "The gRPC code."},
			"status":  object{"type": "string", "description": "The gRPC code's name (NOT_FOUND)."},
			"details": detailsSchema,
		}, "error", "message", "code", "status", "details"),
		"seed001Error": objectSchema("Seed 001's error payload, with Herald's reason, code, status and details beside.", object{
			"statusCode": object{"type": "string", "description": "The HTTP status, as a string (\"400\")."},
			"error":      object{"type": "string", "description": "Its reason phrase in sentence case (\"Bad request\")."},
			"message":    stringSchema,
			"reason":     object{"type": "string", "description": "The ErrorInfo reason, else the gRPC code's name."},
			"code":       object{"type": "integer", "format": "int32", "description": "The gRPC code."},
			"status":     object{"type": "string", "description": "The gRPC code's name."},
			"details":    detailsSchema,
		}, "statusCode", "error", "message", "reason", "code", "status", "details"),
	}
}

// seed000ProblemDefinition is problem.go's errorProblem and failedProblem in one: RFC 9457
// problem details as ASP.NET writes them, with Herald's members beside.
func seed000ProblemDefinition(result string) object {
	return objectSchema("RFC 9457 problem details (application/problem+json) as ASP.NET writes them.", object{
		"type":    object{"type": "string", "description": "The RFC 9110 section of the status, else about:blank."},
		"title":   stringSchema,
		"status":  object{"type": "integer", "format": "int32", "description": "The HTTP status."},
		"detail":  stringSchema,
		"traceId": object{"type": "string", "description": "The request id."},
		"reason":  object{"type": "string", "description": "The ErrorInfo reason, else the gRPC code's name; DISPATCH_FAILED when every channel failed."},
		"code":    object{"type": "string", "description": "The gRPC code's name (not when every channel failed)."},
		"errors": object{
			"type":                 "object",
			"additionalProperties": object{"type": "array", "items": stringSchema},
			"description":          "A bad request's problems, by field as seed 000 names it (emailAddress, channels[1]).",
		},
		"details":   detailsSchema,
		"results":   object{"type": "array", "items": ref(result), "description": "When every channel failed: the results the 200 would have had."},
		"messageId": stringSchema,
		"replayed":  booleanSchema,
	}, "type", "title", "status", "detail", "reason")
}

// seed002ErrorDefinition is errorBody, and failedBody when every channel failed.
func seed002ErrorDefinition(result string) object {
	def, _ := deepCopy(errorDefinitions()["heraldError"]).(object)
	def["description"] = "Herald's error body; when every channel failed, error DISPATCH_FAILED, code 0 and status OK (the call itself succeeded) with the results, messageId and replayed."
	properties, _ := def["properties"].(object)
	properties["results"] = object{"type": "array", "items": ref(result), "description": "When every channel failed: each channel's result."}
	properties["messageId"] = stringSchema
	properties["replayed"] = booleanSchema
	return def
}

// seed003Definitions are views.go's seed003View.
func seed003Definitions() map[string]object {
	reasons := []any{}
	ed := heraldv1.RejectionReason(0).Descriptor()
	for i := 0; i < ed.Values().Len(); i++ {
		reasons = append(reasons, strings.ToLower(shortEnumName(ed, string(ed.Values().Get(i).Name()))))
	}
	return map[string]object{
		"seed003Accepted": objectSchema("Seed 003's 202.", object{"data": ref("seed003Notification")}, "data"),
		"seed003Notification": objectSchema("The queued notification, snake_case, channels and reasons in lowercase.", object{
			"notification_id": stringSchema,
			"name":            stringSchema,
			"queued_at":       object{"type": "string", "format": "date-time", "x-nullable": true},
			"channels":        object{"type": "array", "items": ref(lowerChannelDef)},
			"accepted_recipients": object{
				"type":                 "object",
				"additionalProperties": object{"type": "array", "items": stringSchema},
				"description":          "Channel -> the recipients accepted on it.",
			},
			"rejected_recipients": object{
				"type":                 "object",
				"additionalProperties": object{"type": "array", "items": ref("seed003Rejection")},
				"description":          "Channel -> the recipients rejected on it, with why.",
			},
			"failures": object{"type": "array", "items": ref("seed003Failure")},
			"replayed": booleanSchema,
		}, "notification_id", "name", "queued_at", "channels", "accepted_recipients", "rejected_recipients", "failures", "replayed"),
		"seed003Rejection": objectSchema("A rejected recipient.", object{
			"recipient": stringSchema,
			"reason":    object{"type": "string", "enum": reasons},
		}, "recipient", "reason"),
		"seed003Failure": objectSchema("A user who cannot be reached on a channel.", object{
			"user_id": stringSchema,
			"channel": ref(lowerChannelDef),
			"error":   stringSchema,
		}, "user_id", "channel", "error"),
	}
}
