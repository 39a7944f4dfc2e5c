package front

// Reply writes one command's reply, element by element. Node and proxy
// connections implement it over their own output buffers.
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
	// Null writes the null bulk string.
	Null()
	// NullArray writes the null array.
	NullArray()
}
