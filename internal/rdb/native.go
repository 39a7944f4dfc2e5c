package rdb

// Values Redis's RDB format has no form for (a hash with field TTLs as
// vcache keeps them, a JSON document, a stream) travel in a payload of
// vcache's own: the type byte typeNative, then bytes only vcache reads,
// then the usual version and CRC-64 trailer. redis-server refuses such a
// payload ("Bad data format": the type is not one of its own); vcache
// reads it back. The type number is outside the range Redis uses for
// value types (0-25 up to Redis 8) and its RDB opcodes (0xF5-0xFF).
const typeNative = 0xD6

// EncodeNative returns the DUMP payload of a vcache-only value whose
// bytes are body (the package does not look inside).
func EncodeNative(body []byte) []byte {
	return seal(append([]byte{typeNative}, body...))
}
