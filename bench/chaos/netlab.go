package chaos

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// netLab is a bridge in this network namespace and one network namespace
// per data node, each joined to the bridge by a veth pair. Taking a
// node's veth down cuts it off from the other nodes (gossip and the
// node-to-node links), from the proxy and from this process at once; a
// connection opened inside its namespace (dialIn) still reaches it.
type netLab struct {
	tag    string   // makes the names unique to this process
	prefix string   // the bridge's /24, "10.214.N."
	bridge string   // the bridge's name
	nss    []string // namespace of node i
}

// newNetLab makes a bridge and n namespaces, or says why it cannot
// (not root, no ip(8), no right to make namespaces).
func newNetLab(n int) (*netLab, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return nil, errors.New("ip(8) is not installed")
	}
	pid := os.Getpid()
	l := &netLab{tag: fmt.Sprint(pid % 100000), prefix: fmt.Sprintf("10.214.%d.", pid%200+20)}
	probe := "vcxprobe" + l.tag
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("cannot make a network namespace: %v %s", err, strings.TrimSpace(string(out)))
	}
	_ = exec.Command("ip", "netns", "del", probe).Run()
	l.bridge = "vcxb" + l.tag
	steps := [][]string{{"link", "add", l.bridge, "type", "bridge"}, {"addr", "add", l.hostAddr() + "/24", "dev", l.bridge},
		{"link", "set", l.bridge, "up"}}
	if err := ipSteps(steps); err != nil {
		l.close()
		return nil, err
	}
	for i := 0; i < n; i++ {
		ns := fmt.Sprintf("vcxns%s-%d", l.tag, i)
		if err := ipSteps([][]string{{"netns", "add", ns}}); err != nil {
			l.close()
			return nil, err
		}
		l.nss = append(l.nss, ns)
		peer := fmt.Sprintf("vcxp%s-%d", l.tag, i)
		steps := [][]string{
			{"link", "add", l.veth(i), "type", "veth", "peer", "name", peer},
			{"link", "set", peer, "netns", ns},
			{"link", "set", l.veth(i), "master", l.bridge, "up"},
			{"-n", ns, "link", "set", "lo", "up"},
			{"-n", ns, "addr", "add", l.addr(i) + "/24", "dev", peer},
			{"-n", ns, "link", "set", peer, "up"},
		}
		if err := ipSteps(steps); err != nil {
			l.close()
			return nil, err
		}
	}
	return l, nil
}

// ipSteps runs ip with each argument list in turn, stopping at the first
// failure.
func ipSteps(steps [][]string) error {
	for _, args := range steps {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %v %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// veth is the bridge side of node i's veth pair.
func (l *netLab) veth(i int) string { return fmt.Sprintf("vcxv%s-%d", l.tag, i) }

// hostAddr is this namespace's address on the bridge (the proxy's gossip).
func (l *netLab) hostAddr() string { return l.prefix + "1" }

// addr is node i's address.
func (l *netLab) addr(i int) string { return fmt.Sprintf("%s%d", l.prefix, 10+i) }

// nsPath is the file that names node i's namespace (for setns).
func (l *netLab) nsPath(i int) string { return filepath.Join("/var/run/netns", l.nss[i]) }

// command runs bin with args inside node i's namespace.
func (l *netLab) command(i int, bin string, args ...string) (string, []string) {
	return "ip", append([]string{"netns", "exec", l.nss[i], bin}, args...)
}

// cut takes node i's veth down: no packet passes either way.
func (l *netLab) cut(i int) error { return ipSteps([][]string{{"link", "set", l.veth(i), "down"}}) }

// heal brings node i's veth up again.
func (l *netLab) heal(i int) error { return ipSteps([][]string{{"link", "set", l.veth(i), "up"}}) }

// close removes the veths, the namespaces and the bridge.
func (l *netLab) close() {
	for i, ns := range l.nss {
		_ = exec.Command("ip", "link", "del", l.veth(i)).Run()
		_ = exec.Command("ip", "netns", "del", ns).Run()
	}
	if l.bridge != "" {
		_ = exec.Command("ip", "link", "del", l.bridge).Run()
	}
}
