package proxy

import (
	"fmt"
	"path"
	"strings"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// COMMAND describes the shared command table, as a node does, so that
// redis-cli's hints and clients that inspect commands work; CLUSTER
// answers what makes sense at a single endpoint.

func cmdCommand(s *session, args [][]byte) {
	all := s.p.cmds.order
	if len(args) == 1 {
		s.array(len(all))
		for _, e := range all {
			s.commandInfo(e.spec)
		}
		return
	}
	switch strings.ToLower(string(args[1])) {
	case "count":
		s.integer(int64(len(all)))
	case "info":
		names := args[2:]
		if len(names) == 0 {
			s.array(len(all))
			for _, e := range all {
				s.commandInfo(e.spec)
			}
			return
		}
		s.array(len(names))
		for _, n := range names {
			if e := s.p.cmds.lookup(n); e != nil {
				s.commandInfo(e.spec)
			} else {
				s.local = resp.AppendNullArray(s.local)
			}
		}
	case "docs":
		var docs []*entry
		if names := args[2:]; len(names) > 0 {
			for _, n := range names {
				if e := s.p.cmds.lookup(n); e != nil {
					docs = append(docs, e)
				}
			}
		} else {
			docs = all
		}
		s.array(2 * len(docs))
		for _, e := range docs {
			s.bulk(e.spec.Name)
			s.array(6)
			s.bulk("summary")
			s.bulk(e.spec.Summary)
			s.bulk("since")
			s.bulk("1.0.0")
			s.bulk("group")
			s.bulk(e.spec.Group)
		}
	case "list":
		pattern := ""
		if len(args) == 5 && strings.EqualFold(string(args[2]), "filterby") && strings.EqualFold(string(args[3]), "pattern") {
			pattern = string(args[4])
		} else if len(args) != 2 {
			s.errorReply(msgSyntax)
			return
		}
		var names []string
		for _, e := range all {
			if ok, _ := path.Match(pattern, e.spec.Name); pattern == "" || ok {
				names = append(names, e.spec.Name)
			}
		}
		s.array(len(names))
		for _, n := range names {
			s.bulk(n)
		}
	case "getkeys":
		line := args[2:]
		var spec *command.Spec
		if len(line) > 0 {
			if e := s.p.cmds.lookup(line[0]); e != nil {
				spec = e.spec
			}
		}
		idx, msg := command.GetKeys(spec, line)
		if msg != "" {
			s.errorReply(msg)
			return
		}
		s.array(len(idx))
		for _, i := range idx {
			s.local = resp.AppendBulk(s.local, line[i])
		}
	default:
		s.errorReply("ERR unknown subcommand '" + string(args[1]) + "'. Try COMMAND HELP.")
	}
}

// commandInfo appends one COMMAND INFO entry in Redis 7's shape.
func (s *session) commandInfo(spec *command.Spec) {
	s.array(10)
	s.bulk(spec.Name)
	s.integer(int64(spec.Arity))
	var flags []string
	for _, f := range []struct {
		flag command.Flag
		name string
	}{{command.Write, "write"}, {command.Readonly, "readonly"}, {command.DenyOOM, "denyoom"},
		{command.Admin, "admin"}, {command.NoAuth, "no_auth"}, {command.Loading, "loading"}} {
		if spec.Has(f.flag) {
			flags = append(flags, f.name)
		}
	}
	s.array(len(flags))
	for _, f := range flags {
		s.simple(f)
	}
	s.integer(int64(spec.FirstKey))
	s.integer(int64(spec.LastKey))
	s.integer(int64(spec.Step))
	s.array(1)
	s.simple("@" + spec.Group)
	s.array(0) // tips
	s.array(0) // key specs
	s.array(0) // subcommands
}

// cmdCluster answers the CLUSTER subcommands that make sense at a single
// endpoint: KEYSLOT, and INFO saying the cluster is fine.
func cmdCluster(s *session, args [][]byte) {
	switch sub := strings.ToLower(string(args[1])); {
	case sub == "keyslot" && len(args) == 3:
		s.integer(int64(keyslot.Of(args[2])))
	case sub == "info" && len(args) == 2:
		rt := s.p.routes.Load()
		served := 0
		for _, b := range rt.slots {
			if b != 0 {
				served++
			}
		}
		state := "ok"
		if served < keyslot.Count {
			state = "fail"
		}
		s.bulk(fmt.Sprintf("cluster_state:%s\r\ncluster_slots_assigned:%d\r\ncluster_slots_ok:%d\r\ncluster_known_nodes:%d\r\ncluster_size:%d\r\n",
			state, served, served, len(rt.nodes), len(rt.nodes)))
	default:
		s.errorReply("ERR CLUSTER " + strings.ToUpper(sub) + " is not available through the proxy; it is a single endpoint")
	}
}
