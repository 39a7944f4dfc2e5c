package acl

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNoFile is the reply to ACL LOAD and ACL SAVE on a server started
// without an ACL file, in Redis's words.
var ErrNoFile = errors.New("This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")

// ErrSave is the reply to an ACL SAVE that could not write the file (the
// cause goes to the log), in Redis's words.
var ErrSave = errors.New("There was an error trying to save the ACLs. Please check the server logs for more information")

// FileError is an ACL file with bad lines; nothing of it was loaded. Its
// text names each bad line as "file:line: problem.", as Redis does.
type FileError struct {
	Problems []string
}

// Error returns the problems on one line, as Redis reports them.
func (e *FileError) Error() string { return strings.Join(e.Problems, " ") }

// Load replaces every user with those of the ACL file, all or nothing: a
// file with any bad line is a *FileError and changes nothing. The file
// holds one user per line, "user <name> <rules...>", as ACL LIST prints
// them; blank lines and lines starting with # are skipped. Without a line
// for the default user it has every right and the configured
// requirepass. Users that stay keep their connections, which follow the
// new rules; connections of users that are gone lose every right.
func (t *Table) Load() error {
	if t.file == "" {
		return ErrNoFile
	}
	text, err := os.ReadFile(t.file)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &FileError{Problems: []string{"Error loading ACLs, opening file '" + t.file + "': " + err.Error()}}
	}
	t.mu.RLock()
	pass := t.requirePass
	t.mu.RUnlock()
	next, err := t.parse(string(text), pass)
	if err != nil {
		return err
	}
	t.replace(next)
	return nil
}

// parse reads ACL file text into users' permissions.
func (t *Table) parse(text, requirePass string) (map[string]*Perms, error) {
	users := map[string]*Perms{}
	var problems []string
	bad := func(line int, msg string) {
		problems = append(problems, t.file+":"+strconv.Itoa(line)+": "+msg+".")
	}
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if f[0] != "user" || len(f) < 2 {
			problems = append(problems, t.file+":"+strconv.Itoa(n)+" should start with user keyword followed by the username.")
			continue
		}
		name := f[1]
		if strings.ContainsRune(name, 0) {
			bad(n, "username '"+name+"' contains invalid characters")
			continue
		}
		if _, dup := users[name]; dup {
			bad(n, "Duplicate user '"+name+"' found")
			continue
		}
		p, j, err := t.cmds.applyRules(t.cmds.newPerms(name), f[2:])
		if err != nil {
			bad(n, "Error in rule '"+f[2+j]+"': "+err.Error())
			continue
		}
		users[name] = p
	}
	if len(problems) > 0 {
		return nil, &FileError{Problems: problems}
	}
	if users["default"] == nil {
		users["default"] = t.cmds.defaultPerms(requirePass)
	}
	return users, nil
}

// Save writes every user to the ACL file, one ACL LIST line each,
// replacing the file atomically (a new file renamed over the old one).
// A failure is logged and answered with ErrSave.
func (t *Table) Save() error {
	if t.file == "" {
		return ErrNoFile
	}
	if err := t.write(); err != nil {
		t.logger.Warn("ACL SAVE", "file", t.file, "err", err)
		return ErrSave
	}
	return nil
}

func (t *Table) write() error {
	var b strings.Builder
	for _, l := range t.List() {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	tmp, err := os.CreateTemp(filepath.Dir(t.file), filepath.Base(t.file)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.WriteString(b.String()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), t.file)
}
