package gateway

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxNesting bounds how deep the enum rewriting walks a request body.
const maxNesting = 64

// seedMarshaler is grpc-gateway's protojson marshaler whose decoder also accepts the seeds'
// spellings of enum values: "Email", "Sms", "InApp" (seed 000), "email", "sms", "push"
// (seeds 001 and 003), "both" and "forgottenpassword" (seed 002). A string naming an enum
// value without its prefix, in any case and with or without '_' or '-', is rewritten to the
// value's proto name before protojson sees it; anything else is left for protojson to accept
// or refuse (an unknown channel stays a 400). Only fields the request message declares are
// touched, so a "channel" key inside free-form `data` keeps its value.
type seedMarshaler struct {
	*runtime.JSONPb
}

func newMarshaler() *seedMarshaler {
	return &seedMarshaler{&runtime.JSONPb{
		MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true},
		// An unknown field is a 400, like any other request that does not fit the contract.
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
	}}
}

// Marshal encodes v as grpc-gateway's protojson marshaler does, and noBody as nothing.
func (m *seedMarshaler) Marshal(v any) ([]byte, error) {
	if _, ok := v.(noBody); ok {
		return nil, nil
	}
	return m.JSONPb.Marshal(v)
}

// Unmarshal decodes JSON into v (a proto message, or a pointer to a message pointer as the
// generated handlers pass for `body: "field"`), after rewriting seed enum spellings.
func (m *seedMarshaler) Unmarshal(data []byte, v any) error {
	if md := descriptorOf(v); md != nil {
		data = normalizeEnums(data, md)
	}
	return m.JSONPb.Unmarshal(data, v)
}

// NewDecoder reads one JSON value from r and decodes it like Unmarshal.
func (m *seedMarshaler) NewDecoder(r io.Reader) runtime.Decoder {
	d := json.NewDecoder(r)
	return runtime.DecoderFunc(func(v any) error {
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return err
		}
		return m.Unmarshal(raw, v)
	})
}

var protoMessageType = reflect.TypeFor[proto.Message]()

func descriptorOf(v any) protoreflect.MessageDescriptor {
	if p, ok := v.(proto.Message); ok {
		return p.ProtoReflect().Descriptor()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.Type().Elem().Implements(protoMessageType) {
		if p, ok := reflect.Zero(rv.Type().Elem()).Interface().(proto.Message); ok {
			return p.ProtoReflect().Descriptor()
		}
	}
	return nil
}

// normalizeEnums returns data with seed enum spellings replaced, or data itself when nothing
// changed or it is not JSON (protojson then reports the problem).
func normalizeEnums(data []byte, md protoreflect.MessageDescriptor) []byte {
	var doc any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return data
	}
	if !rewriteMessage(doc, md, 0) {
		return data
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return data
	}
	return out
}

func rewriteMessage(doc any, md protoreflect.MessageDescriptor, depth int) bool {
	obj, ok := doc.(map[string]any)
	if !ok || depth > maxNesting || isWellKnown(md) {
		return false
	}
	changed := false
	fields := md.Fields()
	for key, value := range obj {
		fd := fields.ByJSONName(key)
		if fd == nil {
			fd = fields.ByTextName(key)
		}
		if fd == nil {
			continue
		}
		if fd.IsMap() {
			if items, ok := value.(map[string]any); ok {
				for k, item := range items {
					if replaced, ok := rewriteValue(item, fd.MapValue(), depth); ok {
						items[k] = replaced
						changed = true
					}
				}
			}
			continue
		}
		if fd.IsList() {
			if items, ok := value.([]any); ok {
				for i, item := range items {
					if replaced, ok := rewriteValue(item, fd, depth); ok {
						items[i] = replaced
						changed = true
					}
				}
			}
			continue
		}
		if replaced, ok := rewriteValue(value, fd, depth); ok {
			obj[key] = replaced
			changed = true
		}
	}
	return changed
}

// rewriteValue rewrites one value of field fd; ok is true when something changed.
func rewriteValue(value any, fd protoreflect.FieldDescriptor, depth int) (any, bool) {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if s, isString := value.(string); isString {
			if name, found := enumAlias(fd.Enum(), s); found {
				return name, true
			}
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if rewriteMessage(value, fd.Message(), depth+1) {
			return value, true
		}
	default:
	}
	return value, false
}

func isWellKnown(md protoreflect.MessageDescriptor) bool {
	return strings.HasPrefix(string(md.FullName()), "google.protobuf.")
}

// enumPrefix is the part every value name of a buf-linted enum starts with ("CHANNEL_"),
// taken from its zero value, "<PREFIX>UNSPECIFIED".
func enumPrefix(ed protoreflect.EnumDescriptor) string {
	if ed.Values().Len() == 0 {
		return ""
	}
	zero := string(ed.Values().Get(0).Name())
	if strings.HasSuffix(zero, "_UNSPECIFIED") {
		return strings.TrimSuffix(zero, "UNSPECIFIED")
	}
	return ""
}

// squash folds case and drops '_', '-' and spaces: "InApp", "in_app" and "IN-APP" all
// become "inapp".
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r != '_' && r != '-' && r != ' ' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// enumAlias maps a seed spelling to the enum value's proto name. A proto name itself, an
// empty string and the UNSPECIFIED value are not aliases.
func enumAlias(ed protoreflect.EnumDescriptor, s string) (string, bool) {
	if strings.HasPrefix(string(ed.FullName()), "google.protobuf.") {
		return "", false
	}
	values := ed.Values()
	if values.ByName(protoreflect.Name(s)) != nil {
		return "", false
	}
	want := squash(s)
	if want == "" {
		return "", false
	}
	prefix := enumPrefix(ed)
	for i := 0; i < values.Len(); i++ {
		name := string(values.Get(i).Name())
		short := strings.TrimPrefix(name, prefix)
		if short == "UNSPECIFIED" {
			continue
		}
		if squash(short) == want || squash(name) == want {
			return name, true
		}
	}
	return "", false
}

// shortEnumName is a value's name without its enum's prefix: "IN_APP" for CHANNEL_IN_APP.
func shortEnumName(ed protoreflect.EnumDescriptor, name string) string {
	return strings.TrimPrefix(name, enumPrefix(ed))
}
