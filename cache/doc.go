// Package cache is vcache's keyspace: string, hash and custom values with
// TTLs, lazy and active expiry, eviction under maxmemory with Redis's
// policies, memory accounting, and snapshots.
//
// Keys are placed in the 16384 Redis Cluster hash slots (internal/keyslot);
// each slot has its own map, and slots are spread over lock stripes, so a
// slot range can be counted, iterated, snapshotted and dropped as a unit and
// both cores serve at once. Operations take Redis's semantics and return
// sentinel errors (ErrWrongType, ErrNotInteger, ...) that the node turns
// into RESP text.
//
// Values returned by reads (Get, HGet, ...) are never modified in place by
// later writes (writes replace slices), so a caller may use them after the
// call without holding a lock; it must not modify them.
package cache
