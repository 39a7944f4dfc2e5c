package cache

import "math/bits"

// SSCAN, HSCAN and ZSCAN over a hash table walk it as Redis's dictScan
// does. A cursor names a home place: an element is returned at the cursor
// whose low bits (as many as the table's size has) are its hash's. Cursors
// advance in reverse binary order (the highest of those bits counts
// fastest), so the places already visited in a table of 2^k places are,
// in any larger or smaller table, exactly the places whose hash bits
// extend or cut theirs: an element present for a whole scan is returned
// at least once however the table grows or shrinks between calls, and
// may be returned more than once.

// scanNext returns the cursor after cursor in a table of mask+1 places:
// the places' bits incremented from the highest down; 0 after the last.
func scanNext(cursor, mask uint64) uint64 {
	cursor |= ^mask
	return bits.Reverse64(bits.Reverse64(cursor) + 1)
}

// scan calls fn with the fields (and values: stable slices) whose home
// place is cursor's and returns the next cursor (0 after the last). While
// the fields move to another array (growing, shrinking or dropping
// deleted slots) both arrays are walked, as Redis's dictScan walks its two
// tables while rehashing: the smaller at cursor's place, the larger at
// every place extending it that the cursor has not passed.
func (t *ftab) scan(cursor uint64, fn func(f, v []byte)) uint64 {
	if t.old.slots == nil {
		m := uint64(len(t.cur.tags) - 1)
		t.scanHome(&t.cur, int(cursor&m), fn)
		return scanNext(cursor, m)
	}
	small, large := &t.old, &t.cur
	if len(small.tags) > len(large.tags) {
		small, large = large, small
	}
	m0, m1 := uint64(len(small.tags)-1), uint64(len(large.tags)-1)
	t.scanHome(small, int(cursor&m0), fn)
	for {
		t.scanHome(large, int(cursor&m1), fn)
		cursor = scanNext(cursor, m1)
		if cursor&(m0^m1) == 0 { // the large array's extra bits wrapped: on to the next small place
			return cursor
		}
	}
}

// scanHome calls fn with the fields of a whose home place is home: they
// are on home's probe sequence before its first empty slot (slots never
// become empty again), among other fields whose hash tells them apart.
func (t *ftab) scanHome(a *ftabArr, home int, fn func(f, v []byte)) {
	mask := len(a.tags) - 1
	i := home
	for step := 1; step <= len(a.tags) && a.tags[i] != tagEmpty; step++ {
		if a.tags[i] >= tagFull {
			f, v := boxParts(a.slots[i])
			if int(t.hash(f))&mask == home {
				fn(f, v)
			}
		}
		i = (i + step) & mask
	}
}

// scan calls fn with the nodes whose member's home place is cursor's and
// returns the next cursor (0 after the last). The array is replaced whole
// when it grows or shrinks, so one array is walked.
func (d *zdict) scan(cursor uint64, fn func(n *znode)) uint64 {
	if len(d.s) == 0 {
		return 0
	}
	mask := len(d.s) - 1
	home := int(cursor & uint64(mask))
	for i := home; d.s[i] != nil; i = (i + 1) & mask {
		if n := d.s[i]; n != zGone && zhome(n.member(), mask) == home {
			fn(n)
		}
	}
	return scanNext(cursor, uint64(mask))
}

// scanCalls runs step (one cursor's places, returning the next cursor)
// from cursor until count elements were seen (seen reports how many so
// far), the scan ended or maxSteps steps were taken (so a sparse table
// cannot hold the lock long, as Redis bounds its SCANs by ten steps per
// element of COUNT); it returns the cursor to continue from.
func scanCalls(cursor uint64, count, maxSteps int, seen func() int, step func(cursor uint64) uint64) uint64 {
	for ; ; maxSteps-- {
		cursor = step(cursor)
		if cursor == 0 || maxSteps <= 0 || seen() >= count {
			return cursor
		}
	}
}
