package rules

// Operation is one operation of the contract: how it is reached, what it
// takes and what it answers.
type Operation struct {
	ID     string // operationId
	Method string // upper case, as net/http spells it
	Path   string
	// Params are the operation's parameters, in the contract's order.
	Params []Param
	// Body is the request body; nil when the operation takes none.
	Body *Body
	// Security lists the alternatives, each a set of schemes that must all
	// be present; empty means the operation is open.
	Security [][]*SecurityScheme
	// Responses are the documented answers, by ascending status.
	Responses []Response
}

// Response returns the documented answer for status, or nil.
func (op *Operation) Response(status int) *Response {
	for i := range op.Responses {
		if op.Responses[i].Status == status {
			return &op.Responses[i]
		}
	}
	return nil
}

// Statuses returns the documented statuses, ascending.
func (op *Operation) Statuses() []int {
	s := make([]int, len(op.Responses))
	for i, r := range op.Responses {
		s[i] = r.Status
	}
	return s
}

// Param is a header parameter; internal/specgen refuses parameters in any
// other place, so that nothing is silently left unchecked.
type Param struct {
	Name     string // as the contract writes it
	In       string // "header"
	Required bool
	Schema   *Schema
}

// Body is a request body.
type Body struct {
	Required bool
	// ContentTypes are the media type keys of its content.
	ContentTypes []string
	// Schema is the schema of its application/json content.
	Schema *Schema
	// MaxBytes is the cap of x-max-body-bytes; 0 when the contract sets none.
	MaxBytes int64
}

// SecurityScheme is a scheme of the contract's components.
type SecurityScheme struct {
	Key    string // its name under components/securitySchemes
	Type   string // "http" or "apiKey"
	Scheme string // for http: "bearer"
	In     string // for apiKey: "header"
	Name   string // for apiKey: the header's name
}

// Response is one documented answer.
type Response struct {
	Status int
	// Schema names the component schema of its application/json body.
	Schema  string
	Headers []Header
	// Example is the body's example as JSON text: the media type's
	// example, or the first of its named examples by name; "" when none.
	Example string
}

// Header is a documented response header.
type Header struct {
	Name     string
	Required bool
	// Example is the header's example value, or the one value its enum
	// allows; "" when the contract gives neither.
	Example string
}
