package command

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeNotYet keeps the README's "Not yet" section true: every
// command of Redis 7.0 (testdata/redis7-commands.txt: name and group, as
// redis-server 7.0.15's COMMAND DOCS gives them) that vcache's table lacks
// is named there or belongs to a group listed whole (`@group`), and
// nothing named or listed there is served.
func TestReadmeNotYet(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "\n## Not yet\n")
	if start < 0 {
		t.Fatal(`README has no "## Not yet" section`)
	}
	section := text[start+len("\n## Not yet\n"):]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	named, groups := map[string]bool{}, map[string]bool{}
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(section, -1) {
		w := m[1]
		switch {
		case strings.HasPrefix(w, "@"):
			groups[w[1:]] = true
		case regexp.MustCompile(`^[A-Z][A-Z0-9_.-]*$`).MatchString(w):
			named[strings.ToLower(w)] = true
		}
	}
	served := NewTable(Specs())
	f, err := os.Open("testdata/redis7-commands.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	groupServed := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, group, _ := strings.Cut(sc.Text(), " ")
		if served.Lookup([]byte(name)) != nil {
			groupServed[group] = append(groupServed[group], name)
			continue
		}
		if !named[name] && !groups[group] {
			t.Errorf("Redis's %s (group %s) is not served and the README's Not yet section does not say so", strings.ToUpper(name), group)
		}
	}
	for name := range named {
		if served.Lookup([]byte(name)) != nil {
			t.Errorf("the README's Not yet section names %s, which vcache serves", strings.ToUpper(name))
		}
	}
	for g := range groups {
		if len(groupServed[g]) > 0 {
			t.Errorf("the README's Not yet section lists group @%s whole, but vcache serves %v of it: name the missing ones instead", g, groupServed[g])
		}
	}
}
