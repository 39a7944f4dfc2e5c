package cache

// What a blocked XREADGROUP needs from the keyspace once served.

// GroupPosition is a consumer group's last delivered ID and entries-read
// counter (-1: unknown), as XGROUP SETID ... ENTRIESREAD sets them.
type GroupPosition struct {
	LastID      StreamID
	EntriesRead int64
}

// XGroupPosition returns a group's position: ErrWrongType, or ErrNoGroup
// when the stream or the group is missing.
func (ks *Keyspace) XGroupPosition(key []byte, group string) (GroupPosition, error) {
	var p GroupPosition
	err := ks.streamRead(key, func(s *stream) error {
		g := s.group(group)
		if g == nil {
			return ErrNoGroup
		}
		p = GroupPosition{LastID: g.lastID, EntriesRead: g.entriesRead}
		return nil
	})
	return p, err
}
