package front

import "github.com/vcache/vcache/internal/command"

// commandGetKeysAndFlags answers COMMAND GETKEYSANDFLAGS line...: each
// key of the command line with its key-spec flags, as pairs.
func commandGetKeysAndFlags(c Conn, t *command.Table, line [][]byte) {
	var spec *command.Spec
	if len(line) > 0 {
		spec = t.Lookup(line[0])
	}
	idx, flags, msg := command.GetKeysAndFlags(spec, line)
	if msg != "" {
		c.Error(msg)
		return
	}
	c.Array(len(idx))
	for j, i := range idx {
		c.Array(2)
		c.Bulk(line[i])
		c.Set(len(flags[j]))
		for _, f := range flags[j] {
			c.Simple(f)
		}
	}
}
