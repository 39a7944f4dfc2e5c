package command

// Specs lists every command vcache knows. The node must implement each one
// it serves; a command listed here without a handler answers as unknown.
// Arity and key positions follow Redis's COMMAND INFO.
func Specs() []Spec {
	const (
		w  = Write | DenyOOM
		wd = Write // writes that only shrink memory (DEL, EXPIRE, ...)
		r  = Readonly
	)
	return []Spec{
		// connection
		{Name: "ping", Arity: -1, Flags: Keyless | r, Group: "connection", Summary: "Returns the server's liveliness response."},
		{Name: "echo", Arity: 2, Flags: Keyless | r, Group: "connection", Summary: "Returns the given string."},
		{Name: "quit", Arity: -1, Flags: Keyless | NoAuth | Loading, Group: "connection", Summary: "Closes the connection."},
		{Name: "select", Arity: 2, Flags: Keyless | Loading, Group: "connection", Summary: "Changes the selected database (only 0 exists)."},
		{Name: "auth", Arity: -2, Flags: Keyless | NoAuth | Loading, Group: "connection", Summary: "Authenticates the connection."},
		{Name: "acl", Arity: -2, Flags: Keyless | Admin | Loading, Group: "server", Summary: "Access control lists: SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, LOAD, SAVE, LOG."},
		{Name: "hello", Arity: -1, Flags: Keyless | NoAuth | Loading, Group: "connection", Summary: "Handshakes with the server (RESP2 only)."},
		{Name: "client", Arity: -2, Flags: Keyless | Loading, Group: "connection", Summary: "Connection management: SETNAME, GETNAME, ID, INFO, LIST, SETINFO."},
		{Name: "reset", Arity: 1, Flags: Keyless | NoAuth | Loading, Group: "connection", Summary: "Resets the connection."},
		{Name: "readonly", Arity: 1, Flags: Keyless | Loading, Group: "cluster", Summary: "Enables reads from replicas for this connection."},
		{Name: "readwrite", Arity: 1, Flags: Keyless | Loading, Group: "cluster", Summary: "Disables reads from replicas for this connection."},
		{Name: "asking", Arity: 1, Flags: Keyless, Group: "cluster", Summary: "Allows the next command on a slot being imported."},

		// server
		{Name: "command", Arity: -1, Flags: Keyless | Loading, Group: "server", Summary: "Describes the server's commands: COUNT, DOCS, INFO, LIST."},
		{Name: "info", Arity: -1, Flags: Keyless | Loading | Fanout, Group: "server", Summary: "Returns information and statistics about the server."},
		{Name: "config", Arity: -2, Flags: Keyless | Admin | Loading | Dangerous, Group: "server", Summary: "CONFIG GET, SET, RESETSTAT, REWRITE."},
		{Name: "dbsize", Arity: 1, Flags: Keyless | r | Fanout, Group: "server", Summary: "Returns the number of keys."},
		{Name: "flushall", Arity: -1, Flags: Keyless | Write | Fanout | Dangerous, Group: "server", Summary: "Removes all keys."},
		{Name: "flushdb", Arity: -1, Flags: Keyless | Write | Fanout | Dangerous, Group: "server", Summary: "Removes all keys of the current database."},
		{Name: "time", Arity: 1, Flags: Keyless | r | Loading, Group: "server", Summary: "Returns the server time."},
		{Name: "shutdown", Arity: -1, Flags: Keyless | Admin | Loading | NodeOnly, Group: "server", Summary: "Saves (unless NOSAVE) and stops the server."},
		{Name: "save", Arity: 1, Flags: Keyless | Admin | Fanout, Group: "server", Summary: "Writes a snapshot synchronously."},
		{Name: "bgsave", Arity: -1, Flags: Keyless | Admin | Fanout, Group: "server", Summary: "Writes a snapshot in the background."},
		{Name: "lastsave", Arity: 1, Flags: Keyless | r | Loading, Group: "server", Summary: "Returns the Unix time of the last successful save."},
		{Name: "memory", Arity: -2, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "server", Summary: "MEMORY USAGE key, MEMORY STATS."},
		{Name: "slowlog", Arity: -2, Flags: Keyless | Admin | Loading, Group: "server", Summary: "Reads or resets the slow log."},
		{Name: "wait", Arity: 3, Flags: Keyless | OffLoop | Fanout, Group: "generic", Summary: "Waits for writes to reach replicas."},

		// strings
		{Name: "get", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Returns the string value of a key."},
		{Name: "set", Arity: -3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Sets the string value of a key (EX PX EXAT PXAT NX XX KEEPTTL GET)."},
		{Name: "setnx", Arity: 3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Sets a key only if it does not exist."},
		{Name: "setex", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Sets a key with a time to live in seconds."},
		{Name: "psetex", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Sets a key with a time to live in milliseconds."},
		{Name: "getset", Arity: 3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Sets a key and returns its old value."},
		{Name: "getdel", Arity: 2, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Returns a key's value and deletes it."},
		{Name: "getex", Arity: -2, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Returns a key's value and changes its expiry."},
		{Name: "mget", Arity: -2, Flags: r, FirstKey: 1, LastKey: -1, Step: 1, Group: "string", Summary: "Returns the values of several keys."},
		{Name: "mset", Arity: -3, Flags: w, FirstKey: 1, LastKey: -1, Step: 2, Group: "string", Summary: "Sets several keys."},
		{Name: "msetnx", Arity: -3, Flags: w, FirstKey: 1, LastKey: -1, Step: 2, Group: "string", Summary: "Sets several keys only if none exists."},
		{Name: "incr", Arity: 2, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Increments an integer value by one."},
		{Name: "decr", Arity: 2, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Decrements an integer value by one."},
		{Name: "incrby", Arity: 3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Increments an integer value."},
		{Name: "decrby", Arity: 3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Decrements an integer value."},
		{Name: "incrbyfloat", Arity: 3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Increments a floating point value."},
		{Name: "append", Arity: 3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Appends to a string value."},
		{Name: "strlen", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Returns the length of a string value."},
		{Name: "getrange", Arity: 4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Returns a substring of a string value."},
		{Name: "substr", Arity: 4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Returns a substring of a string value (old name of GETRANGE)."},
		{Name: "setrange", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Overwrites part of a string value."},

		// hashes
		{Name: "hset", Arity: -4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Sets hash fields."},
		{Name: "hmset", Arity: -4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Sets hash fields (old form of HSET)."},
		{Name: "hsetnx", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Sets a hash field only if it does not exist."},
		{Name: "hget", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Returns a hash field's value."},
		{Name: "hmget", Arity: -3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Returns several hash fields' values."},
		{Name: "hgetall", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Returns all fields and values of a hash."},
		{Name: "hdel", Arity: -3, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Deletes hash fields."},
		{Name: "hexists", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Tells whether a hash field exists."},
		{Name: "hlen", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Returns the number of fields in a hash."},
		{Name: "hkeys", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Returns a hash's fields."},
		{Name: "hvals", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Returns a hash's values."},
		{Name: "hincrby", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Increments a hash field's integer value."},
		{Name: "hincrbyfloat", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Increments a hash field's float value."},
		{Name: "hstrlen", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Returns the length of a hash field's value."},
		{Name: "hscan", Arity: -3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Iterates a hash's fields."},
		{Name: "hrandfield", Arity: -2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Returns random fields of a hash."},

		// keyspace
		{Name: "del", Arity: -2, Flags: wd, FirstKey: 1, LastKey: -1, Step: 1, Group: "generic", Summary: "Deletes keys."},
		{Name: "unlink", Arity: -2, Flags: wd, FirstKey: 1, LastKey: -1, Step: 1, Group: "generic", Summary: "Deletes keys."},
		{Name: "exists", Arity: -2, Flags: r, FirstKey: 1, LastKey: -1, Step: 1, Group: "generic", Summary: "Counts the keys that exist."},
		{Name: "type", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Returns a key's type."},
		{Name: "touch", Arity: -2, Flags: r, FirstKey: 1, LastKey: -1, Step: 1, Group: "generic", Summary: "Updates keys' last access time."},
		{Name: "rename", Arity: 3, Flags: wd, FirstKey: 1, LastKey: 2, Step: 1, Group: "generic", Summary: "Renames a key."},
		{Name: "renamenx", Arity: 3, Flags: wd, FirstKey: 1, LastKey: 2, Step: 1, Group: "generic", Summary: "Renames a key only if the new name does not exist."},
		{Name: "expire", Arity: -3, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Sets a key's time to live in seconds."},
		{Name: "pexpire", Arity: -3, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Sets a key's time to live in milliseconds."},
		{Name: "expireat", Arity: -3, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Sets a key's expiry as a Unix time in seconds."},
		{Name: "pexpireat", Arity: -3, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Sets a key's expiry as a Unix time in milliseconds."},
		{Name: "ttl", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Returns a key's time to live in seconds."},
		{Name: "pttl", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Returns a key's time to live in milliseconds."},
		{Name: "expiretime", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Returns a key's expiry as a Unix time in seconds."},
		{Name: "pexpiretime", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Returns a key's expiry as a Unix time in milliseconds."},
		{Name: "persist", Arity: 2, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Removes a key's expiry."},
		{Name: "scan", Arity: -2, Flags: Keyless | r | Fanout, Group: "generic", Summary: "Iterates the keyspace (MATCH COUNT TYPE)."},
		{Name: "keys", Arity: 2, Flags: Keyless | r | Fanout | Dangerous, Group: "generic", Summary: "Returns the keys matching a pattern."},
		{Name: "randomkey", Arity: 1, Flags: Keyless | r | Fanout, Group: "generic", Summary: "Returns a random key."},

		// transactions
		{Name: "multi", Arity: 1, Flags: Keyless | Loading, Group: "transactions", Summary: "Starts a transaction."},
		{Name: "exec", Arity: 1, Flags: Keyless, Group: "transactions", Summary: "Executes a transaction."},
		{Name: "discard", Arity: 1, Flags: Keyless | Loading, Group: "transactions", Summary: "Discards a transaction."},
		{Name: "watch", Arity: -2, Flags: r, FirstKey: 1, LastKey: -1, Step: 1, Group: "transactions", Summary: "Watches keys for a transaction."},
		{Name: "unwatch", Arity: 1, Flags: Keyless | Loading, Group: "transactions", Summary: "Forgets watched keys."},

		// cluster
		{Name: "vcache.apply", Arity: 2, Flags: Keyless | Admin | Write | OffLoop | NodeOnly, Group: "cluster", Summary: "Runs the writes a migrating node logged during the copy (internal)."},
		{Name: "vcache.sync", Arity: -4, Flags: Keyless | Admin | OffLoop | NodeOnly, Group: "cluster", Summary: "Turns the connection into a replication stream of slots (internal)."},
		{Name: "vcache.import", Arity: 2, Flags: Keyless | Admin | Write | OffLoop | NodeOnly, Group: "cluster", Summary: "Loads a slot snapshot sent by a migrating node (internal)."},
		{Name: "cluster", Arity: -2, Flags: Keyless, Group: "cluster", Summary: "Cluster state: SHARDS, SLOTS, NODES, MYID, INFO, KEYSLOT, AUTOSCALE, EVENTS."},

		// search (RediSearch dialect)
		{Name: "ft.create", Arity: -2, Flags: Keyless | Write | Fanout, Group: "search", Summary: "Creates a search index over hashes."},
		{Name: "ft.search", Arity: -3, Flags: Keyless | r | Fanout, Group: "search", Summary: "Searches an index (filters and KNN)."},
		{Name: "ft.info", Arity: 2, Flags: Keyless | r | Fanout, Group: "search", Summary: "Describes an index."},
		{Name: "ft.dropindex", Arity: -2, Flags: Keyless | Write | Fanout, Group: "search", Summary: "Drops an index [DD deletes its documents]."},
		{Name: "ft._list", Arity: 1, Flags: Keyless | r | Fanout, Group: "search", Summary: "Lists indexes."},
		{Name: "ft.alter", Arity: -3, Flags: Keyless | Write | Fanout, Group: "search", Summary: "Adds fields to an index."},

		// vector sets (Redis 8 dialect)
		{Name: "vadd", Arity: -5, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Adds an element to a vector set."},
		{Name: "vsim", Arity: -4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Returns the elements most similar to a vector or element."},
		{Name: "vrem", Arity: 3, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Removes an element from a vector set."},
		{Name: "vcard", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Returns the number of elements."},
		{Name: "vdim", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Returns the dimension of the vectors."},
		{Name: "vemb", Arity: -3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Returns an element's vector."},
		{Name: "vinfo", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Describes a vector set."},
		{Name: "vsetattr", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Sets an element's JSON attributes."},
		{Name: "vgetattr", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Returns an element's JSON attributes."},
		{Name: "vismember", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Tells whether an element exists."},
		{Name: "vrandmember", Arity: -2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "vectorset", Summary: "Returns random elements."},

		// lists
		{Name: "lpush", Arity: -3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Prepends elements to a list."},
		{Name: "rpush", Arity: -3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Appends elements to a list."},
		{Name: "lpushx", Arity: -3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Prepends elements to a list only if it exists."},
		{Name: "rpushx", Arity: -3, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Appends elements to a list only if it exists."},
		{Name: "lpop", Arity: -2, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Removes and returns the first elements of a list."},
		{Name: "rpop", Arity: -2, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Removes and returns the last elements of a list."},
		{Name: "lrange", Arity: 4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Returns a range of elements of a list."},
		{Name: "lindex", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Returns an element of a list by its index."},
		{Name: "lset", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Sets an element of a list by its index."},
		{Name: "linsert", Arity: 5, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Inserts an element before or after another."},
		{Name: "lrem", Arity: 4, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Removes elements equal to a value."},
		{Name: "ltrim", Arity: 4, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Keeps only a range of a list."},
		{Name: "llen", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Returns the length of a list."},
		{Name: "lpos", Arity: -3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Group: "list", Summary: "Returns the indexes of elements equal to a value (RANK COUNT MAXLEN)."},
		{Name: "lmove", Arity: 5, Flags: w, FirstKey: 1, LastKey: 2, Step: 1, Group: "list", Summary: "Pops an element from a list and pushes it to another."},
		{Name: "rpoplpush", Arity: 3, Flags: w, FirstKey: 1, LastKey: 2, Step: 1, Group: "list", Summary: "Pops the last element of a list and prepends it to another."},
		// LMPOP and BLMPOP name numkeys keys; routing, stripes and ACL see the first one.
		{Name: "lmpop", Arity: -4, Flags: wd, FirstKey: 2, LastKey: 2, Step: 1, Group: "list", Summary: "Pops elements from the first non-empty list."},
		{Name: "blpop", Arity: -3, Flags: wd | Blocking | OffLoop, FirstKey: 1, LastKey: -2, Step: 1, Group: "list", Summary: "Pops the first element of the first non-empty list, or waits."},
		{Name: "brpop", Arity: -3, Flags: wd | Blocking | OffLoop, FirstKey: 1, LastKey: -2, Step: 1, Group: "list", Summary: "Pops the last element of the first non-empty list, or waits."},
		{Name: "blmove", Arity: 6, Flags: w | Blocking | OffLoop, FirstKey: 1, LastKey: 2, Step: 1, Group: "list", Summary: "LMOVE, or waits for an element."},
		{Name: "brpoplpush", Arity: 4, Flags: w | Blocking | OffLoop, FirstKey: 1, LastKey: 2, Step: 1, Group: "list", Summary: "RPOPLPUSH, or waits for an element."},
		{Name: "object", Arity: -2, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic", Summary: "Inspects a key's value: OBJECT ENCODING key, OBJECT HELP."},
		{Name: "blmpop", Arity: -5, Flags: wd | Blocking | OffLoop, FirstKey: 3, LastKey: 3, Step: 1, Group: "list", Summary: "LMPOP, or waits for an element."},
	}
}
