package node

import (
	"errors"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// The one table that turns errors into RESP error text. Packages return
// sentinel errors (wrapped with %w); handlers call cx.Err and the text is
// chosen here. An error not listed becomes "ERR " + its message.
var errorTable = []struct {
	err  error
	text string
}{
	{cache.ErrWrongType, "WRONGTYPE Operation against a key holding the wrong kind of value"},
	{cache.ErrNotInteger, "ERR value is not an integer or out of range"},
	{cache.ErrNotFloat, "ERR value is not a valid float"},
	{cache.ErrOverflow, "ERR increment or decrement would overflow"},
	{cache.ErrOOM, command.MsgOOM},
	{cache.ErrNoSuchKey, "ERR no such key"},
	{cache.ErrHashNotInteger, "ERR hash value is not an integer"},
	{cache.ErrHashNotFloat, "ERR hash value is not a float"},
	{cache.ErrNaNOrInfinity, "ERR increment would produce NaN or Infinity"},
	{cache.ErrOffsetRange, "ERR offset is out of range"},
	{cache.ErrStringTooLong, "ERR string exceeds maximum allowed size (proto-max-bulk-len)"},
	{cache.ErrNotHLL, "WRONGTYPE Key is not a valid HyperLogLog string value."},
	{cache.ErrCorruptHLL, "INVALIDOBJ Corrupted HLL object detected"},
	{cache.ErrBusyGroup, "BUSYGROUP Consumer Group name already exists"},
	{cache.ErrBusyKey, "BUSYKEY Target key name already exists."},
}

// respError is an error that carries its own RESP text.
type respError struct{ text string }

func (e respError) Error() string { return e.text }

// errText returns the RESP error text for err.
func errText(err error) string {
	var re respError
	if errors.As(err, &re) {
		return re.text
	}
	for _, e := range errorTable {
		if errors.Is(err, e.err) {
			return e.text
		}
	}
	return "ERR " + err.Error()
}
