package script

// Kind is the type of a command reply.
type Kind uint8

const (
	// Nil is a null bulk string.
	Nil Kind = iota
	// NilArray is a null array.
	NilArray
	// Status is a simple string (+OK).
	Status
	// Error is an error reply; Str holds its text with its code.
	Error
	// Int is an integer.
	Int
	// Bulk is a bulk string.
	Bulk
	// Array is an array of Elems.
	Array
)

// Reply is one command reply, as a script sees and returns it.
type Reply struct {
	Kind  Kind
	Str   string
	Int   int64
	Elems []Reply
}

// ErrorReply returns an error reply with text msg ("ERR ...").
func ErrorReply(msg string) Reply { return Reply{Kind: Error, Str: msg} }
