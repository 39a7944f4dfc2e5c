package front

// Reply writes one command's reply, element by element. Node and proxy
// connections implement it over their own output buffers, in the protocol
// the connection speaks: a RESP3 form (map, set, double, verbatim, "_")
// becomes its RESP2 equivalent for a RESP2 client.
type Reply interface {
	// Simple writes a simple string (+s).
	Simple(s string)
	// Error writes an error; msg starts with its code ("ERR ...").
	Error(msg string)
	// Bulk writes a bulk string.
	Bulk(b []byte)
	// BulkString writes a bulk string.
	BulkString(s string)
	// Int writes an integer.
	Int(n int64)
	// Array starts an array of n elements; n replies must follow.
	Array(n int)
	// Null writes the null bulk string ("_" in RESP3).
	Null()
	// NullArray writes the null array ("_" in RESP3).
	NullArray()
	// Map starts a map of n key-value pairs; 2n replies must follow, key
	// first (a flat array of 2n elements in RESP2).
	Map(n int)
	// Set starts a set of n elements (an array in RESP2).
	Set(n int)
	// Verbatim writes a text as a verbatim string (a bulk string in
	// RESP2).
	Verbatim(s string)
}
