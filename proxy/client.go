package proxy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/resp"
)

// CLIENT: the proxy's own client connections, as Redis lists its own.

func cmdClient(s *session, args [][]byte) {
	sub := strings.ToLower(string(args[1]))
	argc := len(args)
	switch {
	case sub == "setname" && argc == 3:
		n := string(args[2])
		if !command.ValidClientName(n) {
			s.errorReply(command.MsgBadName)
			return
		}
		s.setName(n)
		s.simple("OK")
	case sub == "getname" && argc == 2:
		s.mu.Lock()
		n := s.name
		s.mu.Unlock()
		if n == "" {
			s.local = resp.AppendNull(s.local)
		} else {
			s.bulk(n)
		}
	case sub == "id" && argc == 2:
		s.integer(s.id)
	case sub == "info" && argc == 2:
		s.bulk(s.info(time.Now()) + "\n")
	case sub == "list":
		s.bulk(s.p.clientList())
	case sub == "setinfo" && argc == 4:
		attr, val := strings.ToLower(string(args[2])), string(args[3])
		if !command.ValidClientName(val) {
			s.errorReply("ERR " + attr + " cannot contain spaces, newlines or special characters.")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		switch attr {
		case "lib-name":
			s.libName = val
		case "lib-ver":
			s.libVer = val
		default:
			s.errorReply("ERR Unrecognized option '" + string(args[2]) + "'")
			return
		}
		s.simple("OK")
	case sub == "kill" && argc >= 3:
		clientKill(s, args[2:])
	case (sub == "no-evict" || sub == "no-touch") && argc == 3:
		s.simple("OK")
	default:
		s.errorReply("ERR unknown subcommand or wrong number of arguments for '" + string(args[1]) + "'. Try CLIENT HELP.")
	}
}

// clientKill closes the client connections CLIENT KILL names: the old
// form by address (+OK or an error), or filters (ID, ADDR, LADDR, USER,
// SKIPME) that must all match, answered with how many were closed.
func clientKill(s *session, args [][]byte) {
	if len(args) == 1 {
		addr := string(args[0])
		if s.p.killClients(s, func(o *session) bool { return o.addr == addr }) == 0 {
			s.errorReply("ERR No such client")
			return
		}
		s.simple("OK")
		return
	}
	if len(args)%2 != 0 {
		s.errorReply(msgSyntax)
		return
	}
	skipMe := true
	var preds []func(*session) bool
	for i := 0; i < len(args); i += 2 {
		val := string(args[i+1])
		switch strings.ToLower(string(args[i])) {
		case "id":
			id, err := strconv.ParseInt(val, 10, 64)
			if err != nil || id <= 0 {
				s.errorReply("ERR client-id should be greater than 0")
				return
			}
			preds = append(preds, func(o *session) bool { return o.id == id })
		case "addr":
			preds = append(preds, func(o *session) bool { return o.addr == val })
		case "laddr":
			preds = append(preds, func(o *session) bool { return o.laddr == val })
		case "user":
			preds = append(preds, func(o *session) bool {
				o.mu.Lock()
				defer o.mu.Unlock()
				return o.userName == val
			})
		case "skipme":
			switch strings.ToLower(val) {
			case "yes":
				skipMe = true
			case "no":
				skipMe = false
			default:
				s.errorReply(msgSyntax)
				return
			}
		default:
			s.errorReply(msgSyntax)
			return
		}
	}
	n := s.p.killClients(s, func(o *session) bool {
		if skipMe && o == s {
			return false
		}
		for _, p := range preds {
			if !p(o) {
				return false
			}
		}
		return true
	})
	s.integer(int64(n))
}

// killClients closes the connections of the sessions pred picks and
// returns how many; each session ends as when its client hangs up. The
// asking session, if picked, closes once its reply is written.
func (p *Proxy) killClients(self *session, pred func(*session) bool) int {
	p.mu.Lock()
	var picked []*session
	for _, o := range p.sessions {
		if pred(o) {
			picked = append(picked, o)
		}
	}
	p.mu.Unlock()
	for _, o := range picked {
		if o == self {
			self.quit = true
			continue
		}
		o.nc.Close()
	}
	return len(picked)
}

// info describes the session in CLIENT INFO / CLIENT LIST form.
func (s *session) info(now time.Time) string {
	s.mu.Lock()
	name, lib, ver, user := s.name, s.libName, s.libVer, s.userName
	s.mu.Unlock()
	if user == "" {
		user = "default" // not authenticated yet, as Redis shows it
	}
	cmd := "NULL"
	if p := s.lastCmd.Load(); p != nil {
		cmd = *p
	}
	age := int64(now.Sub(s.created).Seconds())
	idle := int64(now.Sub(time.Unix(0, s.lastActive.Load())).Seconds())
	return fmt.Sprintf("id=%d addr=%s laddr=%s fd=0 name=%s age=%d idle=%d flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=%s user=%s redir=-1 resp=2 lib-name=%s lib-ver=%s",
		s.id, s.addr, s.laddr, name, age, idle, cmd, user, lib, ver)
}

// clientList is CLIENT LIST's text: every client, by id.
func (p *Proxy) clientList() string {
	p.mu.Lock()
	ss := make([]*session, 0, len(p.sessions))
	for _, s := range p.sessions {
		ss = append(ss, s)
	}
	p.mu.Unlock()
	sortSessions(ss)
	now := time.Now()
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.info(now))
		b.WriteByte('\n')
	}
	return b.String()
}

func sortSessions(ss []*session) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j].id < ss[j-1].id; j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}
