// Package rdb encodes and decodes single values in Redis 7.0's RDB
// format as DUMP and RESTORE carry them: the type byte, the value, the
// RDB version (2 bytes, little-endian) and a CRC-64 (Jones, as Redis
// computes it) of all that, 8 bytes little-endian. It reads the encodings
// Redis 7.0 writes for strings, hashes, sets, sorted sets, lists and streams (int and LZF
// strings, listpacks, intsets, quicklists, stream listpacks, plain forms) and writes the plain forms,
// which Redis 7.0 reads and converts to its compact encodings itself.
// Values Redis has no form for travel in vcache's own payload (native.go).
package rdb
