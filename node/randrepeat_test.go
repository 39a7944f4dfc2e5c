package node

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// TestRandCountsAsRedis: SRANDMEMBER, ZRANDMEMBER and HRANDFIELD take
// every count redis-server 7.0.15 takes, down to -9223372036854775807
// (-4611686018427387903 with WITHSCORES or WITHVALUES), and refuse the
// others with its errors, before looking at the key; a negative count
// past the key's size gives that many picks in both protocols.
func TestRandCountsAsRedis(t *testing.T) {
	vc := startNode(t, nil).addr
	rs := startRedisServer(t).Options().Addr
	for _, addr := range []string{vc, rs} {
		c := testutil.Dial(t, addr)
		for _, cmd := range [][]string{{"SADD", "s", "a", "b", "c"}, {"SADD", "one", "a"}, {"ZADD", "z", "1", "a", "2.5", "b"},
			{"ZADD", "zone", "1.5", "a"}, {"HSET", "h", "f1", "v1", "f2", "v2"}, {"HSET", "hone", "f", "v"}, {"SET", "str", "x"}} {
			c.Do(cmd...)
		}
	}
	const lmin, lmax, half = "-9223372036854775808", "-9223372036854775807", "4611686018427387903"
	var cmds [][]string
	for _, k := range []string{"nokey", "str"} {
		cmds = append(cmds, []string{"SRANDMEMBER", k, lmax}, []string{"ZRANDMEMBER", k, lmax}, []string{"HRANDFIELD", k, lmax},
			[]string{"ZRANDMEMBER", k, "-" + half, "WITHSCORES"}, []string{"HRANDFIELD", k, "-" + half, "WITHVALUES"},
			[]string{"SRANDMEMBER", k, "-16777217"}, []string{"ZRANDMEMBER", k, "-4611686018427387904"},
			[]string{"HRANDFIELD", k, "-4611686018427387904"})
	}
	for _, k := range []string{"s", "z", "h", "nokey", "str"} {
		cmds = append(cmds, []string{"SRANDMEMBER", k, lmin}, []string{"ZRANDMEMBER", k, lmin}, []string{"HRANDFIELD", k, lmin},
			[]string{"ZRANDMEMBER", k, lmin, "WITHSCORES"}, []string{"HRANDFIELD", k, lmin, "WITHVALUES"},
			[]string{"ZRANDMEMBER", k, "-4611686018427387904", "WITHSCORES"}, []string{"ZRANDMEMBER", k, "4611686018427387904", "WITHSCORES"},
			[]string{"HRANDFIELD", k, "-4611686018427387904", "WITHVALUES"}, []string{"HRANDFIELD", k, "4611686018427387904", "WITHVALUES"},
			[]string{"ZRANDMEMBER", k, "-1", "WITHSCORES", "x"}, []string{"HRANDFIELD", k, "-1", "x"}, []string{"SRANDMEMBER", k, "-1x"})
	}
	for _, proto := range []string{"2", "3"} {
		for _, k := range []string{"one", "zone", "hone"} { // one member: the picks are known
			cmd := map[string]string{"one": "SRANDMEMBER", "zone": "ZRANDMEMBER", "hone": "HRANDFIELD"}[k]
			with := map[string]string{"one": "", "zone": "WITHSCORES", "hone": "WITHVALUES"}[k]
			cmds = append(cmds, []string{"HELLO", proto}, []string{cmd, k, "-3"})
			if with != "" {
				cmds = append(cmds, []string{cmd, k, "-3", with})
			}
		}
	}
	cv, cr := testutil.Dial(t, vc), testutil.Dial(t, rs)
	resp3 := false
	for _, cmd := range cmds {
		if cmd[0] == "HELLO" {
			resp3 = cmd[1] == "3" // its reply is in the protocol it picks
		}
		do := func(c *testutil.Conn) string {
			if resp3 {
				return c.Do3(cmd...)
			}
			return c.Do(cmd...)
		}
		got, want := do(cv), do(cr)
		if cmd[0] == "HELLO" {
			continue
		}
		if got != want {
			t.Errorf("%s: vcache %q, redis-server %q", strings.Join(cmd, " "), got, want)
		}
	}

	// Past the count vcache refused (-16777216): every pick streamed, each
	// member picked about as often.
	const n = 16777217
	for _, tc := range []struct {
		cmd     []string
		picks   int
		allowed []string
	}{
		{[]string{"SRANDMEMBER", "s", "-" + strconv.Itoa(n)}, n, []string{"a", "b", "c"}},
		{[]string{"ZRANDMEMBER", "z", "-100000", "WITHSCORES"}, 200000, []string{"a", "1", "b", "2.5"}},
		{[]string{"HRANDFIELD", "h", "-100000"}, 100000, []string{"f1", "f2"}},
	} {
		for name, addr := range map[string]string{"vcache": vc, "redis-server": rs} {
			counts := streamPicks(t, addr, tc.cmd)
			total := 0
			for _, m := range tc.allowed {
				total += counts[m]
				if counts[m] < tc.picks/(len(tc.allowed)+1) {
					t.Errorf("%s: %s picked %q %d times of %d", strings.Join(tc.cmd, " "), name, m, counts[m], tc.picks)
				}
			}
			if total != tc.picks || len(counts) != len(tc.allowed) {
				t.Errorf("%s: %s gave %v, want %d picks of %v", strings.Join(tc.cmd, " "), name, counts, tc.picks, tc.allowed)
			}
		}
	}
}

// streamPicks sends cmd to addr and reads its array reply of bulk strings
// as it comes, counting each distinct element (without holding the reply).
func streamPicks(t *testing.T, addr string, cmd []string) map[string]int {
	t.Helper()
	c := testutil.Dial(t, addr)
	c.Send(cmd...)
	c.Flush()
	c.SetReadDeadline(time.Now().Add(time.Minute))
	r := bufio.NewReaderSize(c.Conn, 1<<16)
	line := func(prefix byte) int { // the number after prefix on the next line
		s, err := r.ReadSlice('\n')
		if err != nil {
			t.Fatalf("%s: %v", strings.Join(cmd, " "), err)
		}
		n, err := strconv.Atoi(string(bytes.TrimSuffix(s[1:], []byte("\r\n"))))
		if s[0] != prefix || err != nil {
			t.Fatalf("%s: %q where %c was due", strings.Join(cmd, " "), s, prefix)
		}
		return n
	}
	n := line('*')
	counts := map[string]int{}
	buf := make([]byte, 64)
	for range n {
		k := line('$')
		if k > len(buf)-2 {
			t.Fatalf("%s: an element of %d bytes", strings.Join(cmd, " "), k)
		}
		if _, err := io.ReadFull(r, buf[:k+2]); err != nil {
			t.Fatal(err)
		}
		counts[string(buf[:k])]++
	}
	return counts
}
