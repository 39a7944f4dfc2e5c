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
	// Map is a RESP3 map: Elems holds its keys and values, key first
	// (a flat array in RESP2).
	Map
	// Set is a RESP3 set of Elems (an array in RESP2).
	Set
	// Double is a RESP3 double, Float (a bulk string in RESP2).
	Double
	// BigNumber is a RESP3 big number whose digits are Str (a bulk
	// string in RESP2).
	BigNumber
	// Bool is a RESP3 boolean, Int 1 or 0 (an integer in RESP2).
	Bool
	// Verbatim is a RESP3 verbatim string: Str, of format Format (three
	// characters, such as txt); a bulk string of Str in RESP2.
	Verbatim
	// Null is RESP3's null, which replaces both null bulk strings and
	// null arrays (a null bulk string in RESP2).
	Null
)

// lastKind is the highest Kind.
const lastKind = Null

// Reply is one command reply, as a script sees and returns it.
type Reply struct {
	Kind   Kind
	Str    string
	Int    int64
	Float  float64
	Format string
	Elems  []Reply
	// Counted marks an Error the server already counted in its error
	// statistics (a command's error a script passes on).
	Counted bool
}

// ErrorReply returns an error reply with text msg ("ERR ...").
func ErrorReply(msg string) Reply { return Reply{Kind: Error, Str: msg} }
