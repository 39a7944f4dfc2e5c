package proxy

import (
	"testing"

	"github.com/vcache/vcache/internal/command"
)

// The proxy carries out commands as the shared table's flags say: every
// Fanout command is fanned out and merged, every keyless command it
// fans out is flagged Fanout, and NodeOnly and Blocking ones are refused.
func TestTableFollowsSpecFlags(t *testing.T) {
	for _, e := range newCmdTable().order {
		s := e.spec
		switch {
		case s.Has(command.NodeOnly) || s.Has(command.Blocking):
			if e.kind != kindRefused {
				t.Errorf("%s is %s but not refused through the proxy", s.Name, flagName(s))
			}
		case s.Has(command.Fanout):
			if e.kind != kindComposite {
				t.Errorf("%s is Fanout but the proxy has no merge for it", s.Name)
			}
		case e.kind == kindComposite && s.FirstKey == 0:
			t.Errorf("the proxy fans %s out, but its spec is not Fanout", s.Name)
		}
	}
}

func flagName(s *command.Spec) string {
	if s.Has(command.NodeOnly) {
		return "NodeOnly"
	}
	return "Blocking"
}
