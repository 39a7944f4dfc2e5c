package node

import (
	"strconv"
	"strings"
	"time"
)

// savePoint is one pair of CONFIG save: snapshot when at least changes
// keys changed and secs seconds passed since the last save.
type savePoint struct{ secs, changes int64 }

// parseSavePoints reads CONFIG SET save's value: pairs of seconds (at
// least 1) and changes (at least 0); "" turns saving off.
func parseSavePoints(val string) ([]savePoint, error) {
	f := strings.Fields(val)
	if len(f)%2 != 0 {
		return nil, errArgument("Invalid save parameters")
	}
	pts := make([]savePoint, 0, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		secs, err1 := strconv.ParseInt(f[i], 10, 64)
		changes, err2 := strconv.ParseInt(f[i+1], 10, 64)
		if err1 != nil || err2 != nil || secs < 1 || changes < 0 {
			return nil, errArgument("Invalid save parameters")
		}
		pts = append(pts, savePoint{secs, changes})
	}
	return pts, nil
}

// formatSavePoints is CONFIG GET save's value.
func formatSavePoints(pts []savePoint) string {
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(p.secs, 10) + " " + strconv.FormatInt(p.changes, 10))
	}
	return b.String()
}

func (n *Node) setSavePoints(pts []savePoint) { n.xcfg.points.Store(&pts) }

// saveRetryDelay is how long a failed save point waits before it tries
// again (Redis's CONFIG_BGSAVE_RETRY_DELAY).
const saveRetryDelay = 5 * time.Second

// checkSavePoints starts a BGSAVE when a save point is reached, as Redis's
// serverCron does; the node's sampler calls it every second. Without a
// snapshot directory there is nothing to save.
func (n *Node) checkSavePoints(now time.Time) {
	pts := n.xcfg.points.Load()
	if pts == nil || len(*pts) == 0 || n.snapshotPath() == "" || n.persist.bgRunning.Load() {
		return
	}
	if n.persist.lastErr.Load() && now.Sub(time.Unix(0, n.xcfg.lastTry.Load())) < saveRetryDelay {
		return
	}
	changes := int64(n.unsavedChanges())
	since := now.Unix() - n.persist.lastSave.Load()
	for _, p := range *pts {
		if changes >= p.changes && since >= p.secs {
			n.xcfg.lastTry.Store(now.UnixNano())
			if err := n.bgSave(); err != nil {
				n.log.Warn("save point: BGSAVE not started", "err", err)
			} else {
				n.log.Info("save point reached: saving", "changes", changes, "seconds", p.secs)
			}
			return
		}
	}
}
