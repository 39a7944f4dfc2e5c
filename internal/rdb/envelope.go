package rdb

import (
	"encoding/binary"
	"errors"
	"hash/crc64"
)

// Version is the RDB version of the payloads Encode writes (Redis 7.0's).
const Version = 10

// RDB value types this package knows.
const (
	typeString       = 0
	typeList         = 1
	typeSet          = 2
	typeZSet         = 3
	typeHash         = 4
	typeZSet2        = 5
	typeSetIntset    = 11
	typeZSetZiplist  = 12
	typeHashZiplist  = 13
	typeHashListpack = 16
	typeZSetListpack = 17
	typeListQuick2   = 18
)

// Errors of Decode: ErrChecksum for a payload whose trailer does not
// match (RESTORE's "DUMP payload version or checksum are wrong"),
// ErrFormat for one whose value cannot be read ("Bad data format").
var (
	ErrChecksum = errors.New("DUMP payload version or checksum are wrong")
	ErrFormat   = errors.New("Bad data format")
)

// jones is the CRC-64 Redis uses (Jones polynomial, reflected, init 0,
// no final xor); hash/crc64 complements before and after, undone in crc.
var jones = crc64.MakeTable(0x95ac9329ac4bc9b5)

func crc(p []byte) uint64 { return ^crc64.Update(^uint64(0), jones, p) }

// seal appends the version and checksum trailer to body.
func seal(body []byte) []byte {
	body = binary.LittleEndian.AppendUint16(body, Version)
	return binary.LittleEndian.AppendUint64(body, crc(body))
}

// open checks payload's trailer and returns its body (type byte and
// value).
func open(payload []byte) ([]byte, error) {
	if len(payload) < 10 {
		return nil, ErrChecksum
	}
	n := len(payload)
	if binary.LittleEndian.Uint16(payload[n-10:]) > Version {
		return nil, ErrChecksum
	}
	if crc(payload[:n-8]) != binary.LittleEndian.Uint64(payload[n-8:]) {
		return nil, ErrChecksum
	}
	return payload[:n-10], nil
}
