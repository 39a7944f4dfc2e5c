package node

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// persistState tracks snapshots.
type persistState struct {
	// mu serialises snapshot writes (SAVE, BGSAVE, shutdown).
	mu        sync.Mutex
	bgRunning atomic.Bool
	lastSave  atomic.Int64 // unix seconds of the last successful save (or of the start, as in Redis)
	lastErr   atomic.Bool  // the last save failed
	// savedChanges is the keyspace's change count (cache.Keyspace.Changes)
	// when the last successful save began, or when the snapshot was
	// loaded: the changes since are the ones no snapshot holds.
	savedChanges atomic.Uint64
	saves        atomic.Int64 // successful saves since the start
	bgStart      atomic.Int64 // unix nanoseconds the running BGSAVE began
	bgLastTook   atomic.Int64 // seconds the last BGSAVE took; -1: none yet
}

// unsavedChanges is rdb_changes_since_last_save: the key changes since
// the last successful save began.
func (n *Node) unsavedChanges() uint64 {
	return n.ks.Changes() - n.persist.savedChanges.Load()
}

// ErrBadSnapshot is returned (wrapped) when a snapshot file cannot be read:
// wrong magic, unknown section, checksum mismatch or truncation.
var ErrBadSnapshot = errors.New("bad snapshot")

// A snapshot file is the magic, then sections, then the end tag. A section
// is a tag byte, the payload length (uint64 LE), the payload (written by the
// section's owner), and the CRC32 (IEEE) of the payload.
const (
	snapMagic   = "VCACHE-SNAPSHOT-1\n"
	secKeyspace = 'K'
	secSearch   = 'F' // FT indexes (definitions, ids, engines); before the keyspace, which re-links the documents
	secMap      = 'M' // the cluster's shard map when the snapshot was taken (cluster nodes only)
	secFuncs    = 'L' // function libraries (FUNCTION DUMP's payload; only when there are some)
	secEnd      = 'E'
)

func (n *Node) snapshotPath() string {
	c := n.config()
	if c.Dir == "" {
		return ""
	}
	return filepath.Join(c.Dir, c.DBFilename)
}

// saveSnapshot writes the snapshot atomically: to a temporary file in the
// same directory, synced, then renamed over the old one.
func (n *Node) saveSnapshot() error {
	p := n.snapshotPath()
	if p == "" {
		return errors.New("no snapshot directory configured (--dir)")
	}
	n.persist.mu.Lock()
	defer n.persist.mu.Unlock()
	start := time.Now()
	changes := n.ks.Changes() // what changes during the save stays unsaved
	err := n.writeSnapshotFile(p)
	n.persist.lastErr.Store(err != nil)
	if err != nil {
		return err
	}
	n.persist.savedChanges.Store(changes)
	n.persist.saves.Add(1)
	n.persist.lastSave.Store(time.Now().Unix())
	n.log.Info("snapshot saved", "path", p, "keys", n.ks.Len(), "took", time.Since(start))
	return nil
}

func (n *Node) writeSnapshotFile(p string) (err error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".snapshot-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.WriteString(snapMagic); err != nil {
		return err
	}
	if m := n.mapToSave(); m != nil {
		if err := writeSection(f, secMap, func(w io.Writer) error { _, err := w.Write(m); return err }); err != nil {
			return fmt.Errorf("shard map: %w", err)
		}
	}
	if p := n.functionsToSave(); p != nil {
		if err := writeSection(f, secFuncs, func(w io.Writer) error { _, err := w.Write(p); return err }); err != nil {
			return fmt.Errorf("functions: %w", err)
		}
	}
	if err := writeSection(f, secSearch, n.search.Save); err != nil {
		return fmt.Errorf("search indexes: %w", err)
	}
	if err := writeSection(f, secKeyspace, n.ks.WriteSnapshot); err != nil {
		return fmt.Errorf("keyspace: %w", err)
	}
	if _, err := f.Write([]byte{secEnd}); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), p)
}

// writeSection writes one section: the payload is streamed by write, then
// its length is filled in.
func writeSection(f *os.File, tag byte, write func(io.Writer) error) error {
	start, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	var hdr [9]byte
	hdr[0] = tag
	if _, err := f.Write(hdr[:]); err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(f, crc), 1<<20)
	cw := &countWriter{w: bw}
	if err := write(cw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	var tail [4]byte
	binary.LittleEndian.PutUint32(tail[:], crc.Sum32())
	if _, err := f.Write(tail[:]); err != nil {
		return err
	}
	binary.LittleEndian.PutUint64(hdr[1:], uint64(cw.n))
	if _, err := f.WriteAt(hdr[1:], start+1); err != nil {
		return err
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	k, err := c.w.Write(p)
	c.n += int64(k)
	return k, err
}

// bgSave starts a snapshot in the background.
func (n *Node) bgSave() error {
	if n.snapshotPath() == "" {
		return errors.New("no snapshot directory configured (--dir)")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closing {
		return errors.New("the server is shutting down")
	}
	if !n.persist.bgRunning.CompareAndSwap(false, true) {
		return errors.New("Background save already in progress")
	}
	n.wg.Add(1)
	n.persist.bgStart.Store(time.Now().UnixNano())
	go func() {
		defer n.wg.Done()
		defer n.persist.bgRunning.Store(false)
		err := n.saveSnapshot()
		n.persist.bgLastTook.Store(int64(time.Since(time.Unix(0, n.persist.bgStart.Load())).Seconds()))
		if err != nil {
			n.log.Error("BGSAVE failed", "err", err)
		}
	}()
	return nil
}

// loadSnapshot reads the snapshot file if there is one. No file is not an
// error (a fresh node); a file that cannot be read entirely is.
func (n *Node) loadSnapshot() error {
	p := n.snapshotPath()
	if p == "" {
		return nil
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	if err := n.readSnapshot(bufio.NewReaderSize(f, 1<<20)); err != nil {
		n.ks.Flush()
		return fmt.Errorf("loading snapshot %s: %w", p, err)
	}
	n.search.FinishLoad()
	n.persist.savedChanges.Store(n.ks.Changes())
	if st, err := f.Stat(); err == nil {
		n.persist.lastSave.Store(st.ModTime().Unix())
	}
	n.log.Info("snapshot loaded", "path", p, "keys", n.ks.Len(), "took", time.Since(start))
	return nil
}

func (n *Node) readSnapshot(r io.Reader) error {
	magic := make([]byte, len(snapMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != snapMagic {
		return fmt.Errorf("%w: not a vcache snapshot", ErrBadSnapshot)
	}
	for {
		var tag [1]byte
		if _, err := io.ReadFull(r, tag[:]); err != nil {
			return fmt.Errorf("%w: truncated (no end marker)", ErrBadSnapshot)
		}
		if tag[0] == secEnd {
			return nil
		}
		var lenb [8]byte
		if _, err := io.ReadFull(r, lenb[:]); err != nil {
			return fmt.Errorf("%w: truncated section header", ErrBadSnapshot)
		}
		size := int64(binary.LittleEndian.Uint64(lenb[:]))
		crc := crc32.NewIEEE()
		body := io.TeeReader(io.LimitReader(r, size), crc)
		var err error
		switch tag[0] {
		case secKeyspace:
			err = n.ks.ReadSnapshot(body)
		case secSearch:
			err = n.search.Load(body)
		case secMap:
			err = n.readMap(body)
		case secFuncs:
			err = n.readFunctions(body)
		default:
			return fmt.Errorf("%w: unknown section %q", ErrBadSnapshot, tag[0])
		}
		if err != nil {
			return fmt.Errorf("%w: section %q: %v", ErrBadSnapshot, tag[0], err)
		}
		// Drain what the owner did not read, then check the checksum.
		if _, err := io.Copy(io.Discard, body); err != nil {
			return fmt.Errorf("%w: %v", ErrBadSnapshot, err)
		}
		var sum [4]byte
		if _, err := io.ReadFull(r, sum[:]); err != nil {
			return fmt.Errorf("%w: truncated section", ErrBadSnapshot)
		}
		if binary.LittleEndian.Uint32(sum[:]) != crc.Sum32() {
			return fmt.Errorf("%w: section %q checksum mismatch", ErrBadSnapshot, tag[0])
		}
	}
}
