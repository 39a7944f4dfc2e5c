package script

import (
	"context"
	"testing"
)

// valueCaller answers GET with a bulk string and anything else +OK, as
// a node would, without a node.
type valueCaller struct{}

func (valueCaller) Call(args [][]byte, _ bool) Reply {
	if len(args) == 2 {
		return Reply{Kind: Bulk, Str: "bar"}
	}
	return Reply{Kind: Status, Str: "OK"}
}

// BenchmarkExec runs one script call on the engine, as EVALSHA does once
// the node has taken its locks: allocs/op are the script package's per
// call.
//
//	go test ./script -run '^$' -bench Exec -benchmem
func BenchmarkExec(b *testing.B) {
	for _, bc := range []struct{ name, body, want string }{
		{"get", "return redis.call('GET', KEYS[1])", "bar"},
		{"set", "return redis.call('SET', KEYS[1], ARGV[1])", "OK"},
		{"loop", "local n = 0 for i = 1, 100 do n = n + i end return n", ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := New()
			defer e.Close()
			s, err := e.Load(bc.body)
			if err != nil {
				b.Fatal(err)
			}
			keys, args := [][]byte{[]byte("foo")}, [][]byte{[]byte("bar")}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				r := e.Exec(ctx, s, &Run{Name: s.SHA, Keys: keys, Args: args, Caller: valueCaller{}})
				if r.Kind == Error || (bc.want != "" && r.Str != bc.want) {
					b.Fatalf("reply %+v", r)
				}
			}
		})
	}
	b.Run("fcall", func(b *testing.B) {
		e := New()
		defer e.Close()
		if _, err := e.LoadLibrary("#!lua name=lib\nredis.register_function('f', function(keys, args) return redis.call('GET', keys[1]) end)", false); err != nil {
			b.Fatal(err)
		}
		f := e.Function("f")
		keys, args := [][]byte{[]byte("foo")}, [][]byte{[]byte("bar")}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if r := e.ExecFunction(ctx, f, &Run{Name: "f", Keys: keys, Args: args, Caller: valueCaller{}}); r.Str != "bar" {
				b.Fatalf("reply %+v", r)
			}
		}
	})
}
