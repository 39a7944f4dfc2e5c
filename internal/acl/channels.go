package acl

import (
	"errors"
	"slices"
	"strings"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/glob"
)

// Channel permissions (&pattern, allchannels, resetchannels): the pub/sub
// channels a user may publish to and subscribe to. As in Redis 7 with its
// default acl-pubsub-default (resetchannels), a new user has none and the
// default user has all.

// ReasonChannel is ACL LOG's reason for a channel denial.
const ReasonChannel = "channel"

// MsgChannelNoPerm is Redis's reply to a command naming a channel its user
// may not use.
const MsgChannelNoPerm = "NOPERM this user has no permissions to access one of the channels used as arguments"

// ErrChannelAfterAll is the error of a channel pattern after &* or
// allchannels.
var ErrChannelAfterAll = errors.New("Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels")

// applyChannelRule applies a channel rule (allchannels, resetchannels,
// &pattern) to p.
func (p *Perms) applyChannelRule(rule string) error {
	switch lower := strings.ToLower(rule); {
	case lower == "allchannels" || rule == "&*":
		p.allChannels, p.channels = true, nil
	case lower == "resetchannels":
		p.allChannels, p.channels = false, nil
	default:
		if p.allChannels {
			return ErrChannelAfterAll
		}
		if c := rule[1:]; !slices.Contains(p.channels, c) {
			p.channels = append(p.channels, c)
		}
	}
	return nil
}

// channelsRule renders the channel rules as ACL LIST does: "&*", or
// "resetchannels" followed by the patterns.
func (p *Perms) channelsRule() string {
	if p.allChannels {
		return "&*"
	}
	parts := []string{"resetchannels"}
	for _, c := range p.channels {
		parts = append(parts, "&"+c)
	}
	return strings.Join(parts, " ")
}

// channelsValue renders the channel patterns as ACL GETUSER's "channels"
// field does.
func (p *Perms) channelsValue() string {
	if p.allChannels {
		return "&*"
	}
	parts := make([]string, len(p.channels))
	for i, c := range p.channels {
		parts[i] = "&" + c
	}
	return strings.Join(parts, " ")
}

// checkChannels returns the denial of a pub/sub command line naming a
// channel (or, for PSUBSCRIBE, a pattern) the user may not use, or nil.
// A pattern is allowed only when the user has that very pattern, as in
// Redis; the unsubscribe commands and PUBSUB name none. The spec says
// where the channels are (ChannelFirst, ChannelLast, Patterns).
func (p *Perms) checkChannels(spec *command.Spec, args [][]byte) *Denial {
	if p.allChannels {
		return nil
	}
	literal := spec.Has(command.Patterns)
	for _, c := range spec.Channels(args) {
		if !p.channelAllowed(string(c), literal) {
			return &Denial{Reason: ReasonChannel, User: p.name, Object: string(c)}
		}
	}
	return nil
}

// channelAllowed reports whether the user's patterns allow channel c (a
// pattern itself when literal).
func (p *Perms) channelAllowed(c string, literal bool) bool {
	for _, pat := range p.channels {
		if literal && pat == c || !literal && glob.Match(pat, c) {
			return true
		}
	}
	return false
}
