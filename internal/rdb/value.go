package rdb

// Kind is a value's Redis type.
type Kind uint8

// Kinds of values.
const (
	String Kind = iota + 1
	Hash
	Set
	ZSet
	List
	// Stream is a stream (Value.Stream).
	Stream
	// Native is a value in vcache's own form (native.go).
	Native
)

// Value is one key's value, independent of any encoding.
type Value struct {
	Kind Kind
	// Str is a String's bytes.
	Str []byte
	// Pairs is a Hash's fields and values: field, value, field, value...
	Pairs [][]byte
	// Members is a Set's members.
	Members [][]byte
	// Z is a ZSet's members and scores.
	Z []ZEntry
	// Items is a List's elements, head first.
	Items [][]byte
	// Stream is a Stream's entries and groups.
	Stream *StreamValue
	// Body is a Native value's bytes, as EncodeNative was given them.
	Body []byte
	// Packed: the payload held the Hash or ZSet as a listpack or
	// ziplist, which Redis keeps packed while it has few enough entries,
	// however long its strings.
	Packed bool
}

// ZEntry is a sorted set member and its score.
type ZEntry struct {
	Member []byte
	Score  float64
}
