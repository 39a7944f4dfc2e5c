package acl

import (
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/vcache/vcache/internal/command"
)

// Commands is the set of commands a Table grants or denies. A command is
// known by its id, its index in the specs given to NewCommands; callers
// pass that id to Perms.Check. It is immutable once built, but for
// acl-pubsub-default (SetPubsubDefault).
type Commands struct {
	specs []*command.Spec
	ids   map[string]int
	catOf [][]string // categories of each command, by id
	cats  []string   // every category, sorted
	// pubsubAll is acl-pubsub-default: whether a new user, or one reset,
	// starts with every channel (allchannels) or none (resetchannels).
	pubsubAll atomic.Bool
}

// NewCommands indexes specs (the commands a server serves) by id.
func NewCommands(specs []*command.Spec) *Commands {
	c := &Commands{specs: specs, ids: make(map[string]int, len(specs)), catOf: make([][]string, len(specs))}
	set := map[string]bool{}
	for id, s := range specs {
		c.ids[s.Name] = id
		c.catOf[id] = categories(s)
		for _, cat := range c.catOf[id] {
			set[cat] = true
		}
	}
	for cat := range set {
		c.cats = append(c.cats, cat)
	}
	sort.Strings(c.cats)
	return c
}

// Len returns the number of commands.
func (c *Commands) Len() int { return len(c.specs) }

// Categories returns every category some command has, sorted.
func (c *Commands) Categories() []string { return c.cats }

// InCategory returns the names of the commands in category cat, in id
// order, and whether cat is a known category.
func (c *Commands) InCategory(cat string) ([]string, bool) {
	if !slices.Contains(c.cats, cat) {
		return nil, false
	}
	var names []string
	for id, s := range c.specs {
		if slices.Contains(c.catOf[id], cat) {
			names = append(names, s.Name)
		}
	}
	return names, true
}

// bits returns an empty command bitmap.
func (c *Commands) bits() []uint64 { return make([]uint64, (len(c.specs)+63)/64) }

// allBits returns the bitmap of every command.
func (c *Commands) allBits() []uint64 {
	b := c.bits()
	for i := range c.specs {
		b[i/64] |= 1 << (i % 64)
	}
	return b
}

// set turns on (or off) the commands match accepts in bits.
func (c *Commands) set(bits []uint64, on bool, match func(id int) bool) {
	for i := range c.specs {
		if match(i) {
			if on {
				bits[i/64] |= 1 << (i % 64)
			} else {
				bits[i/64] &^= 1 << (i % 64)
			}
		}
	}
}

// categories returns a command's ACL categories, derived from its flags
// and group in the shared command table.
func categories(s *command.Spec) []string {
	var out []string
	if s.Has(command.Readonly) {
		out = append(out, "read")
	}
	if s.Has(command.Write) {
		out = append(out, "write")
	}
	if s.Has(command.Admin) {
		out = append(out, "admin", "dangerous")
	}
	switch s.Group {
	case "generic":
		out = append(out, "keyspace")
	case "string", "hash", "connection", "search", "transactions", "cluster":
		out = append(out, strings.TrimSuffix(s.Group, "s"))
	case "vectorset":
		out = append(out, "vectorset")
	case "sortedset":
		out = append(out, "sortedset")
	case "bitmap", "hyperloglog":
		out = append(out, s.Group)
	case "set":
		out = append(out, "set")
	case "list":
		out = append(out, "list")
	case "scripting":
		out = append(out, "scripting")
	case "stream":
		out = append(out, "stream")
	case "json":
		out = append(out, "json")
	case "server":
		out = append(out, "server")
	case "pubsub":
		out = append(out, "pubsub")
	case "geo":
		out = append(out, "geo")
	}
	if s.Has(command.Dangerous) && !slices.Contains(out, "dangerous") {
		out = append(out, "dangerous")
	}
	if s.Has(command.Blocking) {
		out = append(out, "blocking")
	}
	return out
}
