package ft

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Config holds the FT.CONFIG options: RediSearch's names and default
// values. vcache carries out MAXSEARCHRESULTS; the others are kept and
// reported, so clients that read or set them work. Safe for concurrent
// use.
type Config struct {
	mu   sync.Mutex // guards vals
	vals map[string]string
}

// ErrConfigOption is FT.CONFIG SET's error for an unknown option.
var ErrConfigOption = errors.New("Option not supported")

// ErrConfigImmutable is FT.CONFIG SET's error for an option fixed at
// start.
var ErrConfigImmutable = errors.New("Not modifiable at runtime")

// configKind is how an option's value is checked.
type configKind uint8

const (
	cfgInt      configKind = iota // a non-negative integer
	cfgBool                       // true or false
	cfgFixed                      // not settable at run time
	cfgTimeout                    // ON_TIMEOUT: return or fail
	cfgUnlimit                    // a non-negative integer, or "unlimited" when it is the maximum
	cfgDialect                    // 1 to 4
	cfgNullable                   // reported as nil (no value), fixed
	cfgPositive                   // an integer of at least 1
)

// configOption is one FT.CONFIG option.
type configOption struct {
	name, def, help string
	kind            configKind
}

// configOptions are RediSearch 2.8's options in its order, with their
// defaults.
var configOptions = []configOption{
	{"EXTLOAD", "", "Load extension scoring/expansion module", cfgNullable},
	{"SAFEMODE", "deprecated", "Perform all operations in main thread", cfgFixed},
	{"CONCURRENT_WRITE_MODE", "false", "Use multi threaded writes", cfgFixed},
	{"NOGC", "false", "Disable garbage collection (for this process)", cfgFixed},
	{"MINPREFIX", "2", "Set the minimum prefix for expansions (`*`)", cfgPositive},
	{"FORKGC_SLEEP_BEFORE_EXIT", "0", "set the amount of seconds for the fork GC to sleep before exists", cfgInt},
	{"MAXDOCTABLESIZE", "1000000", "Maximum runtime document table size (for this process)", cfgFixed},
	{"MAXSEARCHRESULTS", "1000000", "Maximum number of results from ft.search command", cfgUnlimit},
	{"MAXAGGREGATERESULTS", "unlimited", "Maximum number of results from ft.aggregate command", cfgUnlimit},
	{"MAXEXPANSIONS", "200", "Maximum prefix expansions to be used in a query", cfgPositive},
	{"MAXPREFIXEXPANSIONS", "200", "Maximum prefix expansions to be used in a query", cfgPositive},
	{"TIMEOUT", "500", "Query (search) timeout", cfgInt},
	{"INDEX_THREADS", "8", "Create at most this number of background indexing threads (will not necessarily parallelize indexing)", cfgFixed},
	{"SEARCH_THREADS", "20", "Create at must this number of search threads (not, will not parallelize yet, but will allow concurrent searches)", cfgFixed},
	{"FRISOINI", "", "Path to Chinese dictionary configuration file (for Chinese tokenization)", cfgNullable},
	{"ON_TIMEOUT", "return", "Action to perform when search timeout is exceeded (choose RETURN or FAIL)", cfgTimeout},
	{"GCSCANSIZE", "100", "Scan this many documents at a time during every GC iteration", cfgInt},
	{"MIN_PHONETIC_TERM_LEN", "3", "Minumum length of term to be considered for phonetic matching", cfgInt},
	{"GC_POLICY", "fork", "gc policy to use (DEFAULT/LEGACY)", cfgFixed},
	{"FORK_GC_RUN_INTERVAL", "30", "interval (in seconds) in which to run the fork gc (relevant only when fork gc is used)", cfgInt},
	{"FORK_GC_CLEAN_THRESHOLD", "100", "the fork gc will only start to clean when the number of not cleaned document will exceed this threshold", cfgInt},
	{"FORK_GC_RETRY_INTERVAL", "5", "interval (in seconds) in which to retry running the forkgc after failure.", cfgInt},
	{"FORK_GC_CLEAN_NUMERIC_EMPTY_NODES", "true", "clean empty nodes from numeric tree", cfgBool},
	{"_FORK_GC_CLEAN_NUMERIC_EMPTY_NODES", "true", "clean empty nodes from numeric tree", cfgBool},
	{"_MAX_RESULTS_TO_UNSORTED_MODE", "1000", "max results for union iterator in which the iterator will switch to unsorted mode, should be used for debug only.", cfgInt},
	{"UNION_ITERATOR_HEAP", "20", "minimum number of iterators in a union from which the iterator will switch to heap based implementation.", cfgInt},
	{"CURSOR_MAX_IDLE", "300000", "max idle time allowed to be set for cursor, setting it hight might cause high memory consumption.", cfgInt},
	{"NO_MEM_POOLS", "false", "Set RediSearch to run without memory pools", cfgFixed},
	{"PARTIAL_INDEXED_DOCS", "false", "Enable/disable Redis command filter", cfgFixed},
	{"UPGRADE_INDEX", "Upgrade config for upgrading", "Relevant only when loading an v1.x rdb, specify argument for upgrading the index.", cfgFixed},
	{"_NUMERIC_COMPRESS", "false", "Enable legacy compression of double to float.", cfgBool},
	{"_FREE_RESOURCE_ON_THREAD", "true", "Determine whether some index resources are free on a second thread.", cfgBool},
	{"_PRINT_PROFILE_CLOCK", "true", "Disable print of time for ft.profile. For testing only.", cfgBool},
	{"RAW_DOCID_ENCODING", "false", "Disable compression for DocID inverted index. Boost CPU performance.", cfgFixed},
	{"_NUMERIC_RANGES_PARENTS", "0", "Keep numeric ranges in numeric tree parent nodes of leafs for `x` generations.", cfgInt},
	{"DEFAULT_DIALECT", "1", "Set RediSearch default dialect version throughout the process.", cfgDialect},
	{"VSS_MAX_RESIZE", "0", "Set RediSearch vector indexes max resize (in bytes).", cfgInt},
	{"WORKER_THREADS", "0", "Number of worker threads to use for query processing and background tasks. Default is 0.", cfgFixed},
	{"MT_MODE", "MT_MODE_OFF", "Let ft.search and vector indexing be done in background threads as default if set to MT_MODE_FULL. Default is MT_MODE_OFF.", cfgFixed},
	{"TIERED_HNSW_BUFFER_LIMIT", "1024", "Use for setting the buffer limit threshold for vector similarity tiered HNSW index, default is 1024.", cfgFixed},
}

// NewConfig returns the options at their defaults.
func NewConfig() *Config {
	c := &Config{vals: map[string]string{}}
	for _, o := range configOptions {
		c.vals[o.name] = o.def
	}
	return c
}

// ConfigEntry is one option as FT.CONFIG GET and HELP report it.
type ConfigEntry struct {
	Name, Value, Help string
	Null              bool // no value (nil in the reply)
}

// Get returns the options name matches: "*" for all, else the one named
// (in any case), or none.
func (c *Config) Get(name string) []ConfigEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []ConfigEntry
	for _, o := range configOptions {
		if name == "*" || strings.EqualFold(name, o.name) {
			e := ConfigEntry{Name: o.name, Value: c.vals[o.name], Help: o.help, Null: o.kind == cfgNullable}
			if o.name == "FRISOINI" {
				// The Chinese lexicon's path, when the server was given one.
				if p := chineseLexiconPath(); p != "" {
					e.Value, e.Null = p, false
				}
			}
			out = append(out, e)
		}
	}
	return out
}

// Set changes an option.
func (c *Config) Set(name, value string) error {
	var opt *configOption
	for i := range configOptions {
		if strings.EqualFold(name, configOptions[i].name) {
			opt = &configOptions[i]
		}
	}
	if opt == nil {
		return ErrConfigOption
	}
	bad := fmt.Errorf("Bad arguments for %s: Could not convert argument to expected type", opt.name)
	v := value
	switch opt.kind {
	case cfgFixed, cfgNullable:
		return ErrConfigImmutable
	case cfgBool:
		switch strings.ToLower(value) {
		case "true":
			v = "true"
		case "false":
			v = "false"
		default:
			return bad
		}
	case cfgTimeout:
		switch strings.ToLower(value) {
		case "return", "fail":
			v = strings.ToLower(value)
		default:
			return fmt.Errorf("Invalid ON_TIMEOUT value")
		}
	case cfgPositive:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return bad
		}
		if n < 1 {
			return fmt.Errorf("Bad arguments for %s: Value is outside acceptable bounds", opt.name)
		}
		v = strconv.FormatInt(n, 10)
	case cfgInt, cfgUnlimit, cfgDialect:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 0 {
			return bad
		}
		if opt.kind == cfgDialect && (n < 1 || n > 4) {
			return fmt.Errorf("Bad arguments for %s: Value is outside acceptable bounds", opt.name)
		}
		v = strconv.FormatInt(n, 10)
		if opt.kind == cfgUnlimit && n == 1<<63-1 {
			v = "unlimited"
		}
	}
	c.mu.Lock()
	c.vals[opt.name] = v
	if alias, ok := configAliases[opt.name]; ok {
		c.vals[alias] = v
	}
	c.mu.Unlock()
	return nil
}

// configAliases are the options that are one value under two names.
var configAliases = map[string]string{
	"MAXEXPANSIONS":       "MAXPREFIXEXPANSIONS",
	"MAXPREFIXEXPANSIONS": "MAXEXPANSIONS",
}

// MaxSearchResults returns MAXSEARCHRESULTS (-1: unlimited).
func (c *Config) MaxSearchResults() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := strconv.ParseInt(c.vals["MAXSEARCHRESULTS"], 10, 64)
	if err != nil {
		return -1
	}
	return n
}
