package ftargs

import (
	"strings"
	"testing"
)

// FuzzParseAggregate: any argument list parses or fails with an error,
// never a panic; a parsed one renders to arguments that parse again to
// the same steps, and runs over a few rows without panicking.
func FuzzParseAggregate(f *testing.F) {
	for _, s := range []string{
		"* GROUPBY 1 @brand REDUCE COUNT 0 AS n SORTBY 2 @n DESC LIMIT 0 5",
		"* LOAD 2 @a @b APPLY upper(@a) AS x FILTER @b>1 WITHCURSOR COUNT 2 MAXIDLE 10",
		"* GROUPBY 0 REDUCE QUANTILE 2 @p 0.5 REDUCE FIRST_VALUE 4 @a BY @b DESC",
		"* SORTBY 1 @a MAX 3 PARAMS 2 x y DIALECT 2 TIMEOUT 5 VERBATIM",
		"* LOAD * GROUPBY 1 @x REDUCE TOLIST 1 @y REDUCE STDDEV 1 @p",
		"the NOSTOPWORDS LOAD 1 @a VERBATIM NOSTOPWORDS INORDER",
		"arancia LANGUAGE italian LOAD 1 @a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Fields(line)
		args := make([][]byte, len(words))
		for i, w := range words {
			args[i] = []byte(w)
		}
		a, err := ParseAggregate(args)
		if err != nil {
			return
		}
		again, err := ParseAggregate(a.AppendArgs(nil, a.Steps))
		if err != nil {
			t.Fatalf("rendered %q fails: %v", line, err)
		}
		if again.NoStopWords != a.NoStopWords || again.Verbatim != a.Verbatim || again.Language != a.Language {
			t.Fatalf("%q: NOSTOPWORDS %v VERBATIM %v LANGUAGE %q, rendered %v %v %q", line, a.NoStopWords, a.Verbatim, a.Language,
				again.NoStopWords, again.Verbatim, again.Language)
		}
		if len(again.Steps) != len(a.Steps) {
			t.Fatalf("%q: %d steps, rendered %d", line, len(a.Steps), len(again.Steps))
		}
		rows := []Row{
			{Names: []string{"a", "b", "p"}, Vals: []Value{Str("x"), Num(2), Str("3")}},
			{Names: []string{"a"}, Vals: []Value{Str("y")}},
		}
		if _, err := CheckSteps(a.Steps, nil, func(string) bool { return true }); err == nil {
			Run(a.Steps, rows, 2)
		}
		plan := PlanShards(a)
		if plan.Group != nil {
			plan.MergeGroups(GroupRows(plan.Shard[len(plan.Shard)-1].Group, rows))
		}
	})
}

// FuzzExpr: any expression parses or fails with an error, and a parsed
// one evaluates over a row without panicking.
func FuzzExpr(f *testing.F) {
	for _, s := range []string{
		"@a + 1", "upper(@s) == 'X'", "!(@a > 2 || @b <= -3) && exists(@c)", "2 ^ 3 ^ 2 % 5",
		"format('%s-%s', @a, @s)", "substr(@s, -2, 1)", "split('a, b,c')", "timefmt(0, '%Y-%m-%d')",
		"parsetime('2020-01-02', '%Y-%m-%d')", "sqrt(abs(-4)) / log(0)", `"q\"x" != NULL`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseExpr(src)
		if err != nil {
			return
		}
		row := Row{Names: []string{"a", "b", "s"}, Vals: []Value{Num(3), Str("4.5"), Str("hello")}}
		e.Eval(&row)
	})
}

func TestExprEval(t *testing.T) {
	row := Row{Names: []string{"a", "s", "t"}, Vals: []Value{Num(3), Str("Hello"), Num(86400 * 31)}}
	for _, tc := range []struct{ src, want string }{
		{"@a * 2 + 1", "7"}, {"2 ^ 3 ^ 2", "512"}, {"-@a + 10 % 4", "-1"}, {"7 / 2", "3.5"},
		{"@a > 2 && @s == 'Hello'", "1"}, {"!exists(@zz)", "1"}, {"upper(@s)", "HELLO"},
		{"lower(@s)", "hello"}, {"substr(@s, 1, 3)", "ell"}, {"strlen(@s)", "5"},
		{"format('%s=%s', 'a', @a)", "a=3"}, {"split(' x , y ')", "x,y"}, {"floor(2.7) + ceil(2.1)", "5"},
		{"sqrt(16)", "4"}, {"abs(-2)", "2"}, {"timefmt(@t)", "1970-02-01T00:00:00Z"},
		{"parsetime('1970-01-02', '%Y-%m-%d')", "86400"}, {"monthofyear(@t)", "1"}, {"1/3", "0.333333333333"},
		{"inf", "inf"}, {"-inf", "-inf"},
	} {
		e, err := ParseExpr(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		v, err := e.Eval(&row)
		if err != nil || v.String() != tc.want {
			t.Errorf("%s = %q (%v), want %q", tc.src, v.String(), err, tc.want)
		}
	}
	for _, tc := range []struct{ src, want string }{
		{"@a +", "Syntax error at offset 4 near ''"},
		{"foo(1)", "Unknown function name 'foo'"},
		{"upper()", "Invalid arguments for function 'upper'"},
		// A word that is neither a function nor inf (lower case) nor NULL
		// (upper case) is a symbol RediSearch 2.8's grammar refuses.
		{"whoami", "Unknown symbol 'whoami'"},
		{"@a + whoami", "Unknown symbol 'whoami'"},
		{"null", "Unknown symbol 'null'"},
		{"INF", "Unknown symbol 'INF'"},
	} {
		if _, err := ParseExpr(tc.src); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.src, err, tc.want)
		}
	}
}
