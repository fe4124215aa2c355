package gateway

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"

	heraldv1 "github.com/herald-dispatch/herald/clients/go/heraldv1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Seed 000 is an ASP.NET API whose 400 "returns ProblemDetails": RFC 9457 problem details
// as ASP.NET Core writes them (application/problem+json; type, title, status, detail,
// traceId; a validation failure's `errors`, field -> messages). Its path answers every
// error so, with Herald's own reason, code and details as extension members.

const problemContentType = "application/problem+json"

// validationTitle is ASP.NET's title for a ValidationProblemDetails.
const validationTitle = "One or more validation errors occurred."

// problemTypes is ASP.NET Core's `type` for a status: the section of RFC 9110 (RFC 6585
// for 429) that defines it. A status without one is "about:blank" (RFC 9457).
var problemTypes = map[int]string{
	http.StatusBadRequest:            "https://tools.ietf.org/html/rfc9110#section-15.5.1",
	http.StatusUnauthorized:          "https://tools.ietf.org/html/rfc9110#section-15.5.2",
	http.StatusForbidden:             "https://tools.ietf.org/html/rfc9110#section-15.5.4",
	http.StatusNotFound:              "https://tools.ietf.org/html/rfc9110#section-15.5.5",
	http.StatusMethodNotAllowed:      "https://tools.ietf.org/html/rfc9110#section-15.5.6",
	http.StatusConflict:              "https://tools.ietf.org/html/rfc9110#section-15.5.10",
	http.StatusRequestEntityTooLarge: "https://tools.ietf.org/html/rfc9110#section-15.5.14",
	http.StatusUnprocessableEntity:   "https://tools.ietf.org/html/rfc9110#section-15.5.21",
	http.StatusTooManyRequests:       "https://tools.ietf.org/html/rfc6585#section-4",
	http.StatusInternalServerError:   "https://tools.ietf.org/html/rfc9110#section-15.6.1",
	http.StatusNotImplemented:        "https://tools.ietf.org/html/rfc9110#section-15.6.2",
	http.StatusServiceUnavailable:    "https://tools.ietf.org/html/rfc9110#section-15.6.4",
	http.StatusGatewayTimeout:        "https://tools.ietf.org/html/rfc9110#section-15.6.5",
}

// problem is the members every problem details object has, and Herald's `reason`.
type problem struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	Detail  string `json:"detail"`
	TraceID string `json:"traceId,omitempty"`
	// The ErrorInfo reason (CREDENTIALS_MISSING, SCOPE_MISSING, ...), else the code's
	// name; DISPATCH_FAILED when every channel failed.
	Reason string `json:"reason"`
}

func newProblem(httpStatus int, title, detail, traceID, reason string) problem {
	kind, ok := problemTypes[httpStatus]
	if !ok {
		kind = "about:blank"
	}
	return problem{Type: kind, Title: title, Status: httpStatus, Detail: detail, TraceID: traceID, Reason: reason}
}

// errorProblem is a gRPC error on seed 000's path: a ValidationProblemDetails for
// INVALID_ARGUMENT, a ProblemDetails for the rest, with the gRPC code's name and the
// status details (as errorBody has them) beside.
type errorProblem struct {
	problem
	Errors  map[string][]string `json:"errors,omitempty"`
	Code    string              `json:"code"`
	Details []json.RawMessage   `json:"details"`
}

func newErrorProblem(httpStatus int, st *status.Status, traceID string) errorProblem {
	body := newErrorBody(st)
	answer := errorProblem{
		problem: newProblem(httpStatus, reasonPhrase(httpStatus), st.Message(), traceID, body.Error),
		Code:    body.Status,
		Details: body.Details,
	}
	if st.Code() == codes.InvalidArgument {
		answer.Title = validationTitle
		answer.Errors = fieldErrors(st)
	}
	return answer
}

// fieldErrors maps each field a BadRequest names, in the seed's spelling (emailAddress,
// messageBody.subject, channels[2]), to its problems. A body the gateway could not decode
// has no BadRequest: the field protojson names, else "$" (the body, as ASP.NET keys it).
func fieldErrors(st *status.Status) map[string][]string {
	found := map[string][]string{}
	for _, detail := range st.Proto().GetDetails() {
		bad, ok := unpack[*errdetails.BadRequest](detail)
		if !ok {
			continue
		}
		for _, violation := range bad.GetFieldViolations() {
			field := jsonFieldPath(violation.GetField())
			found[field] = append(found[field], field+" "+violation.GetDescription())
		}
	}
	if len(found) == 0 {
		found[decodeErrorField(st.Message())] = []string{st.Message()}
	}
	return found
}

// protojsonField finds the field in protojson's errors: `invalid value for enum field
// channels: "Fax"`, `unknown field "foo"`, `duplicate field "subject"`.
var protojsonField = regexp.MustCompile(`invalid value for \w+ field (\w+):|(?:unknown|duplicate) field "([^"]+)"`)

func decodeErrorField(message string) string {
	match := protojsonField.FindStringSubmatch(message)
	if match == nil {
		return "$"
	}
	return jsonFieldPath(match[1] + match[2])
}

// jsonFieldPath spells a proto field path as its JSON names: "message_body.subject" is
// "messageBody.subject" (protojson's rule: drop each '_', capitalise the letter after it);
// an index or map key in brackets is kept as it is.
func jsonFieldPath(path string) string {
	var b strings.Builder
	upper, bracketed := false, false
	for _, r := range path {
		switch {
		case bracketed || r == '[':
			bracketed = r != ']'
		case r == '_':
			upper = true
			continue
		case upper && 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		}
		upper = false
		b.WriteRune(r)
	}
	return b.String()
}

// dispatchFailed is seed 000's "dispatch failed entirely": results, and every one a final
// failure. One delivered makes it a 200 with per-channel results, and so does one still
// queued or in progress when the call's wait ended: it has not failed, and goes on.
func dispatchFailed(r *heraldv1.SendMessageResponse) bool {
	results := r.GetResults()
	for _, result := range results {
		state := result.GetState()
		if result.GetSuccess() || (state != heraldv1.DeliveryState_DELIVERY_STATE_FAILED &&
			state != heraldv1.DeliveryState_DELIVERY_STATE_CANCELLED) {
			return false
		}
	}
	return len(results) > 0
}

// failedProblem is seed 000's 400 when every channel failed, with what its 200 would
// have said (results in the 200's shape, messageId, replayed) as extension members.
type failedProblem struct {
	problem
	Results   json.RawMessage `json:"results"`
	MessageID string          `json:"messageId"`
	Replayed  bool            `json:"replayed"`
}

func dispatchFailedProblem(r *heraldv1.SendMessageResponse, traceID string) (json.RawMessage, error) {
	results, err := resultsField(seed000View(r))
	if err != nil {
		return nil, err
	}
	detail := dispatchFailedDetail(r, pascalChannel)
	return json.Marshal(failedProblem{
		problem:   newProblem(http.StatusBadRequest, "Dispatch failed", detail, traceID, "DISPATCH_FAILED"),
		Results:   results,
		MessageID: r.GetMessageId(),
		Replayed:  r.GetReplayed(),
	})
}

// resultsField is the "results" member of a SendMessageResponse's JSON view.
func resultsField(raw json.RawMessage, err error) (json.RawMessage, error) {
	if err != nil {
		return nil, err
	}
	var view struct {
		Results json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(raw, &view); err != nil {
		return nil, err
	}
	return view.Results, nil
}

// dispatchFailedDetail says which channels failed, each named once, in style.
func dispatchFailedDetail(r *heraldv1.SendMessageResponse, style enumStyle) string {
	var channels []string
	for _, result := range r.GetResults() {
		name := style(result.GetChannel().Descriptor(), result.GetChannel().String())
		if !slices.Contains(channels, name) {
			channels = append(channels, name)
		}
	}
	return "every channel failed (" + strings.Join(channels, ", ") + "); each one's error is in results"
}

// failedBody is seed 002's 400 when every channel failed: its path's error body, with
// `error` DISPATCH_FAILED and `code` 0, `status` OK (the call itself succeeded; there is no
// gRPC error to name), and the SendMessageResponse's results, messageId and replayed as
// protojson beside. Its 200 has no body, so only the status can tell a failed send.
type failedBody struct {
	errorBody
	Results   json.RawMessage `json:"results"`
	MessageID string          `json:"messageId"`
	Replayed  bool            `json:"replayed"`
}

func dispatchFailedBody(r *heraldv1.SendMessageResponse) (json.RawMessage, error) {
	results, err := resultsField(protoView(r, false, nil, nil))
	if err != nil {
		return nil, err
	}
	return json.Marshal(failedBody{
		errorBody: errorBody{
			Error:   "DISPATCH_FAILED",
			Message: dispatchFailedDetail(r, lowerChannel),
			Code:    int32(codes.OK),
			Status:  codeName(codes.OK),
			Details: []json.RawMessage{},
		},
		Results:   results,
		MessageID: r.GetMessageId(),
		Replayed:  r.GetReplayed(),
	})
}
