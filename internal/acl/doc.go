// Package acl is Redis's access control lists, shared by the data node and
// the proxy: a table of users with passwords (SHA-256, as Redis stores
// them), the commands each may run (by name or by category, categories
// derived from the shared command table) and the keys each may touch
// (glob patterns, with %R~ and %W~ for read-only and write-only access).
//
// What it owns:
//   - the rules of ACL SETUSER (on off >pass <pass #hash nopass resetpass
//     ~pattern %R~pattern %W~pattern allkeys resetkeys +cmd -cmd
//     +cmd|sub -cmd|sub +@cat -@cat allcommands nocommands &pattern
//     allchannels resetchannels sanitize-payload skip-sanitize-payload
//     reset; acl-pubsub-default for new and reset users) and a
//     user's description in the form ACL LIST prints and an ACL file holds
//     (perms.go, rules.go);
//   - the check of a command line against a user, with Redis 7's NOPERM
//     texts (perms.go), and of a search index's prefixes against the
//     user's key patterns, with RediSearch's (prefix.go);
//   - the table of users, AUTH, and the ACL file: loaded all or nothing,
//     saved atomically (table.go, file.go);
//   - the ACL LOG of denials (log.go) and the replies of the ACL command
//     itself, as RESP bytes the caller writes (reply.go).
//
// A connection holds the *User it authenticated as. A User's permissions
// are an immutable *Perms swapped atomically, so ACL SETUSER, DELUSER and
// LOAD apply to open connections at once and a check costs one atomic
// load; for a user allowed every command and key (the default user) it is
// that load and one flag. Every type here is safe for concurrent use.
package acl
