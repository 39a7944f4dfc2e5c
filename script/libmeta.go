package script

import (
	"errors"
	"strings"
)

// LibMeta is what a library's first line ("#!lua name=mylib") says.
type LibMeta struct {
	Engine string // the word after "#!" ("lua")
	Name   string // the library's name
	// Body is the code after the first line, its newline included, so
	// that line numbers stay those of the whole text.
	Body string
}

// ParseLibMeta reads the metadata line of a library's code as FUNCTION
// LOAD does; its errors are Redis's texts without the ERR code.
func ParseLibMeta(code string) (LibMeta, error) {
	if !strings.HasPrefix(code, "#!") {
		return LibMeta{}, errors.New("Missing library metadata")
	}
	end := strings.IndexByte(code, '\n')
	if end < 0 {
		return LibMeta{}, errors.New("Invalid library metadata")
	}
	parts, ok := splitArgs(code[:end])
	if !ok || len(parts) == 0 {
		return LibMeta{}, errors.New("Invalid library metadata")
	}
	md := LibMeta{Body: code[end:]}
	if len(parts[0]) >= 2 {
		md.Engine = parts[0][2:]
	}
	named := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(p[:5], "name=") {
			if named {
				return LibMeta{}, errors.New("Invalid metadata value, name argument was given multiple times")
			}
			md.Name, named = p[5:], true
			continue
		}
		return LibMeta{}, errors.New("Invalid metadata value given: " + p)
	}
	if !named {
		return LibMeta{}, errors.New("Library name was not given")
	}
	return md, nil
}

// ValidName reports whether s may name a library or a function: at least
// one character, all letters, digits or underscores.
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// splitArgs splits a line into words as Redis's sdssplitargs does: blanks
// separate words; "double quotes" group and understand \n \r \t \b \a,
// \xHH and \<char>; 'single quotes' group and understand \'. A closing
// quote must end its word. ok is false for unbalanced quotes.
func splitArgs(line string) (words []string, ok bool) {
	i := 0
	for {
		for i < len(line) && isBlank(line[i]) {
			i++
		}
		if i >= len(line) {
			return words, true
		}
		var w strings.Builder
		inq, insq := false, false
		for done := false; !done; {
			switch {
			case inq:
				if i >= len(line) {
					return nil, false
				}
				c := line[i]
				switch {
				case c == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					w.WriteByte(unhex(line[i+2])<<4 | unhex(line[i+3]))
					i += 3
				case c == '\\' && i+1 < len(line):
					i++
					w.WriteByte(unescape(line[i]))
				case c == '"':
					if i+1 < len(line) && !isBlank(line[i+1]) {
						return nil, false
					}
					done = true
				default:
					w.WriteByte(c)
				}
			case insq:
				if i >= len(line) {
					return nil, false
				}
				c := line[i]
				switch {
				case c == '\\' && i+1 < len(line) && line[i+1] == '\'':
					i++
					w.WriteByte('\'')
				case c == '\'':
					if i+1 < len(line) && !isBlank(line[i+1]) {
						return nil, false
					}
					done = true
				default:
					w.WriteByte(c)
				}
			default:
				if i >= len(line) {
					done = true
					continue
				}
				switch c := line[i]; {
				case isBlank(c):
					done = true
				case c == '"':
					inq = true
				case c == '\'':
					insq = true
				default:
					w.WriteByte(c)
				}
			}
			if i < len(line) {
				i++
			}
		}
		words = append(words, w.String())
	}
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f'
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}
