package command

// Channels returns the channels (or, for a Patterns command, the
// patterns) the command line args posts to or listens on, as
// ChannelFirst and ChannelLast place them; nil for none.
func (s *Spec) Channels(args [][]byte) [][]byte {
	if s.ChannelFirst <= 0 || s.ChannelFirst >= len(args) {
		return nil
	}
	last := s.ChannelLast
	if last < 0 {
		last += len(args)
	}
	last = min(last, len(args)-1)
	if last < s.ChannelFirst {
		return nil
	}
	return args[s.ChannelFirst : last+1]
}
