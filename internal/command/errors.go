package command

import "strings"

// UnknownError is Redis's reply text to a command it does not know:
// "ERR unknown command 'x', with args beginning with: 'a' 'b' ".
func UnknownError(args [][]byte) string {
	var b strings.Builder
	b.WriteString("ERR unknown command '")
	b.WriteString(clip(string(args[0]), 128))
	b.WriteString("', with args beginning with: ")
	budget := 128
	for _, a := range args[1:] {
		if budget <= 0 {
			break
		}
		s := clip(string(a), budget)
		budget -= len(s)
		b.WriteString("'" + s + "' ")
	}
	return b.String()
}

// ArityError is Redis's reply text to a wrong number of arguments.
func ArityError(name string) string {
	return "ERR wrong number of arguments for '" + name + "' command"
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Error texts that node and proxy both answer with, in Redis's words.
const (
	MsgSyntax     = "ERR syntax error"
	MsgNotInt     = "ERR value is not an integer or out of range"
	MsgDBRange    = "ERR DB index is out of range"
	MsgNoAuth     = "NOAUTH Authentication required."
	MsgWrongPass  = "WRONGPASS invalid username-password pair or user is disabled."
	MsgNoPassSet  = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
	MsgMaxClients = "ERR max number of clients reached"
	MsgOOM        = "OOM command not allowed when used memory > 'maxmemory'."
)
