package main

import (
	"bytes"
	"io"
	"slices"
	"strings"
)

// labeled is one source of a Prometheus exposition and the value of the
// label that tells its series apart.
type labeled struct {
	value string
	write func(w io.Writer) error
}

// writeLabeled writes the expositions of several sources of the same
// metrics (vcache dev's nodes) as one: each family's HELP and TYPE once,
// then every source's samples with label="value" added, so that
// vcache_keys{node="node-1"} and vcache_keys{node="node-2"} sit side by
// side as Prometheus requires.
func writeLabeled(w io.Writer, label string, sources []labeled) error {
	type family struct {
		head    []string // HELP and TYPE lines
		samples []string
	}
	var order []string
	families := map[string]*family{}
	get := func(name string) *family {
		f := families[name]
		if f == nil {
			f = &family{}
			families[name] = f
			order = append(order, name)
		}
		return f
	}
	for _, src := range sources {
		var buf bytes.Buffer
		if err := src.write(&buf); err != nil {
			return err
		}
		cur := ""
		for _, line := range strings.Split(buf.String(), "\n") {
			switch {
			case line == "":
			case strings.HasPrefix(line, "# HELP "), strings.HasPrefix(line, "# TYPE "):
				f := strings.Fields(line)
				if len(f) < 3 {
					continue
				}
				cur = f[2]
				fam := get(cur)
				if len(fam.head) < 2 && !slices.Contains(fam.head, line) {
					fam.head = append(fam.head, line)
				}
			case strings.HasPrefix(line, "#"):
			default:
				name := line
				if i := strings.IndexAny(line, "{ "); i >= 0 {
					name = line[:i]
				}
				fam := cur
				if fam == "" || !strings.HasPrefix(name, fam) {
					fam = name
				}
				get(fam).samples = append(get(fam).samples, addLabel(line, name, label, src.value))
			}
		}
	}
	var out bytes.Buffer
	for _, name := range order {
		f := families[name]
		for _, l := range f.head {
			out.WriteString(l + "\n")
		}
		for _, l := range f.samples {
			out.WriteString(l + "\n")
		}
	}
	_, err := w.Write(out.Bytes())
	return err
}

// addLabel adds label="value" to the sample line of metric name.
func addLabel(line, name, label, value string) string {
	l := label + "=" + strconvQuote(value)
	rest := line[len(name):]
	if strings.HasPrefix(rest, "{}") {
		return name + "{" + l + "}" + rest[2:]
	}
	if strings.HasPrefix(rest, "{") {
		return name + "{" + l + "," + rest[1:]
	}
	return name + "{" + l + "}" + rest
}

// strconvQuote quotes a label value as the exposition format does.
func strconvQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
