package load

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// FanoutConfig is one pub/sub fan-out load (vcache bench fanout): S
// subscriber connections on one channel (or a pattern matching it), one
// publisher sending at a fixed rate, each message stamped with the time it
// was sent, each delivery timed.
type FanoutConfig struct {
	Addr        string // the subscribers' server
	PubAddr     string // the publisher's server (Addr when empty)
	Password    string
	Subscribers int
	Channel     string
	Pattern     bool // PSUBSCRIBE Channel's first half followed by *
	Size        int  // payload bytes (at least 24: run, sequence, send time)
	// Rates are the messages per second of each run, in turn, over the
	// same subscribers; a run sends Rate × Duration messages (at least
	// one).
	Rates    []int
	Duration time.Duration
	// Drain bounds the wait for the last deliveries after a run's last
	// message was sent; a run also ends once nothing arrived for a second
	// after it.
	Drain time.Duration
	// PIDs are processes (the servers) whose CPU time each run measures,
	// from /proc; empty: none.
	PIDs []int
}

// DefaultFanoutConfig is 1,000 subscribers, 32-byte payloads,
// runs of 3 s at 1k, 5k and 20k messages/s.
func DefaultFanoutConfig() FanoutConfig {
	return FanoutConfig{Subscribers: 1000, Channel: "fanout", Size: 32, Rates: []int{1000, 5000, 20000},
		Duration: 3 * time.Second, Drain: 10 * time.Second}
}

// FanoutResult is one run at one rate.
type FanoutResult struct {
	Rate        int `json:"rate"`
	Subscribers int `json:"subscribers"`
	Messages    int `json:"messages"`
	// Receivers is the sum of PUBLISH's replies: the deliveries the server
	// promised.
	Receivers int64 `json:"receivers"`
	Delivered int64 `json:"delivered"`
	// Lost is Messages × Subscribers − Delivered when the run ended
	// (every message delivered, a second without a delivery, or Drain
	// after the last send: a server still behind then counts what it had
	// not sent yet); Disordered counts
	// deliveries of a sequence number not above the last one the
	// subscriber saw (repeats, reordering).
	Lost       int64 `json:"lost"`
	Disordered int64 `json:"disordered"`
	// Disconnected is the subscribers whose connection ended (an output
	// buffer limit, say); they are not used again.
	Disconnected int `json:"disconnected"`
	PubErrors    int `json:"pub_errors"`
	// SendSec is how long sending took (Messages / Rate when the
	// publisher kept up); Duration from the first send to the last
	// delivery.
	SendSec     float64       `json:"send_sec"`
	Duration    time.Duration `json:"duration_ns"`
	PerSec      float64       `json:"deliveries_per_sec"`
	P50         time.Duration `json:"p50_ns"`
	P99         time.Duration `json:"p99_ns"`
	P999        time.Duration `json:"p999_ns"`
	Max         time.Duration `json:"max_ns"`
	CPUPerDeliv []float64     `json:"cpu_us_per_delivery,omitempty"` // per PID, µs
}

// fanSub is one subscriber connection and what it saw of the current run.
type fanSub struct {
	nc net.Conn

	// mu guards the fields below; the reader goroutine takes it per
	// message, the coordinator between runs.
	mu         sync.Mutex
	run        uint64
	next       uint64 // the sequence expected next
	got        int64
	disordered int64
	hist       Hist
	last       time.Time // the last delivery of the run
	closed     bool
}

// RunFanout connects the subscribers, then runs each rate of cfg in turn.
func RunFanout(ctx context.Context, cfg FanoutConfig) ([]FanoutResult, error) {
	if cfg.Subscribers < 1 || cfg.Size < 24 || cfg.Duration <= 0 || len(cfg.Rates) == 0 {
		return nil, errors.New("subscribers must be positive, size at least 24, a duration and a rate given")
	}
	for _, r := range cfg.Rates {
		if r < 1 {
			return nil, fmt.Errorf("rate %d is not positive", r)
		}
	}
	if cfg.PubAddr == "" {
		cfg.PubAddr = cfg.Addr
	}
	base := time.Now() // the clock of the send stamps (monotonic)
	subs := make([]*fanSub, cfg.Subscribers)
	var wg sync.WaitGroup
	defer func() {
		for _, s := range subs {
			if s != nil {
				_ = s.nc.Close()
			}
		}
		wg.Wait()
	}()
	var delivered atomic.Int64
	for i := range subs {
		nc, br, err := fanSubscribe(cfg)
		if err != nil {
			return nil, fmt.Errorf("subscriber %d: %w", i, err)
		}
		s := &fanSub{nc: nc}
		subs[i] = s
		wg.Add(1)
		go func() { defer wg.Done(); s.read(br, base, &delivered) }()
	}
	pub, err := net.Dial("tcp", cfg.PubAddr)
	if err != nil {
		return nil, err
	}
	defer pub.Close()
	pr := bufio.NewReaderSize(pub, 64<<10)
	if cfg.Password != "" {
		if _, err := fanDo(pub, pr, "AUTH", cfg.Password); err != nil {
			return nil, err
		}
	}
	var out []FanoutResult
	for i, rate := range cfg.Rates {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r, err := fanRun(ctx, cfg, uint64(i+1), rate, subs, pub, pr, base, &delivered)
		if err != nil {
			return out, fmt.Errorf("%d msgs/s: %w", rate, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// fanSubscribe opens one subscriber connection and waits for its
// subscription's confirmation.
func fanSubscribe(cfg FanoutConfig) (net.Conn, *bufio.Reader, error) {
	nc, err := net.Dial("tcp", cfg.Addr)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(nc, 16<<10)
	if cfg.Password != "" {
		if _, err := fanDo(nc, br, "AUTH", cfg.Password); err != nil {
			nc.Close()
			return nil, nil, err
		}
	}
	cmd, name := "SUBSCRIBE", cfg.Channel
	if cfg.Pattern {
		cmd, name = "PSUBSCRIBE", fanPattern(cfg.Channel)
	}
	v, err := fanDo(nc, br, cmd, name)
	if err == nil && (v.Kind != resp.Array || len(v.Elems) != 3 || !strings.EqualFold(string(v.Elems[0].Str), cmd)) {
		err = fmt.Errorf("%s answered %s", cmd, v.AppendTo(nil))
	}
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, br, nil
}

// fanPattern is the pattern a pattern run subscribes to: the channel's
// first half and a star.
func fanPattern(ch string) string { return ch[:len(ch)/2] + "*" }

// fanDo sends one command and reads its reply (an error reply is an
// error).
func fanDo(nc net.Conn, br *bufio.Reader, args ...string) (resp.Value, error) {
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	defer nc.SetDeadline(time.Time{})
	if _, err := nc.Write(resp.AppendCommand(nil, args...)); err != nil {
		return resp.Value{}, err
	}
	raw, err := readRaw(br)
	if err != nil {
		return resp.Value{}, err
	}
	v, _, err := resp.Parse(raw)
	if err == nil && v.Kind == resp.Error {
		err = fmt.Errorf("%s: %s", args[0], v.Str)
	}
	return v, err
}

// read is a subscriber's reader goroutine: it times every message until
// the connection ends.
func (s *fanSub) read(br *bufio.Reader, base time.Time, delivered *atomic.Int64) {
	defer func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	}()
	for {
		payload, err := readMessage(br)
		if err != nil {
			return
		}
		now := time.Now()
		if len(payload) < 24 {
			continue
		}
		run := binary.LittleEndian.Uint64(payload)
		seq := binary.LittleEndian.Uint64(payload[8:])
		sent := time.Duration(binary.LittleEndian.Uint64(payload[16:]))
		s.mu.Lock()
		if run == s.run {
			if seq < s.next {
				s.disordered++
			} else {
				s.next = seq + 1
			}
			s.got++
			s.hist.Add(now.Sub(base) - sent)
			s.last = now
			delivered.Add(1)
		}
		s.mu.Unlock()
	}
}

// fanRun is one run: the subscribers are reset to run id, the publisher
// sends rate messages a second for cfg.Duration, then the run waits for
// the deliveries.
func fanRun(ctx context.Context, cfg FanoutConfig, id uint64, rate int, subs []*fanSub, pub net.Conn, pr *bufio.Reader,
	base time.Time, delivered *atomic.Int64) (FanoutResult, error) {
	live := 0
	for _, s := range subs {
		s.mu.Lock()
		s.run, s.next, s.got, s.disordered, s.hist, s.last = id, 0, 0, 0, Hist{}, time.Time{}
		if !s.closed {
			live++
		}
		s.mu.Unlock()
	}
	delivered.Store(0)
	msgs := max(1, int(float64(rate)*cfg.Duration.Seconds()))
	res := FanoutResult{Rate: rate, Subscribers: live, Messages: msgs}

	// The replies: PUBLISH's receiver counts.
	var receivers atomic.Int64
	var pubErrs atomic.Int64
	replies := make(chan error, 1)
	go func() {
		for i := 0; i < msgs; i++ {
			raw, err := readRaw(pr)
			if err != nil {
				replies <- err
				return
			}
			switch raw[0] {
			case ':':
				n, _ := strconv.ParseInt(string(raw[1:len(raw)-2]), 10, 64)
				receivers.Add(n)
			default:
				pubErrs.Add(1)
			}
		}
		replies <- nil
	}()

	cpu0 := cpuTimes(cfg.PIDs)
	payload := make([]byte, cfg.Size)
	binary.LittleEndian.PutUint64(payload, id)
	var buf []byte
	start := time.Now()
	every := time.Second / time.Duration(rate)
	for sent := 0; sent < msgs; {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		due := min(msgs, int(time.Since(start)/every)+1)
		if due <= sent {
			time.Sleep(start.Add(time.Duration(sent) * every).Sub(time.Now()))
			continue
		}
		buf = buf[:0]
		for ; sent < due; sent++ {
			binary.LittleEndian.PutUint64(payload[8:], uint64(sent))
			binary.LittleEndian.PutUint64(payload[16:], uint64(time.Since(base)))
			buf = resp.AppendCommand(buf, "PUBLISH", cfg.Channel, string(payload))
		}
		_ = pub.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := pub.Write(buf); err != nil {
			return res, err
		}
	}
	res.SendSec = time.Since(start).Seconds()
	select {
	case err := <-replies:
		if err != nil {
			return res, fmt.Errorf("publisher: %w", err)
		}
	case <-time.After(cfg.Drain + 30*time.Second):
		return res, errors.New("publisher: no replies")
	}

	// Wait for the deliveries: all of them, or until nothing arrives for a
	// second, or cfg.Drain.
	want := int64(msgs) * int64(live)
	deadline := time.Now().Add(cfg.Drain)
	seen, quiet := delivered.Load(), time.Now()
	for seen < want && time.Now().Before(deadline) && time.Since(quiet) < time.Second {
		time.Sleep(2 * time.Millisecond)
		if n := delivered.Load(); n != seen {
			seen, quiet = n, time.Now()
		}
	}
	cpu1 := cpuTimes(cfg.PIDs)

	var h Hist
	var last time.Time
	for _, s := range subs {
		s.mu.Lock()
		s.run = 0 // late deliveries of this run are not counted
		res.Delivered += s.got
		res.Disordered += s.disordered
		h.Merge(&s.hist)
		if s.last.After(last) {
			last = s.last
		}
		if s.closed {
			res.Disconnected++
		}
		s.mu.Unlock()
	}
	res.Receivers, res.PubErrors = receivers.Load(), int(pubErrs.Load())
	res.Lost = want - res.Delivered
	if last.After(start) {
		res.Duration = last.Sub(start)
		res.PerSec = float64(res.Delivered) / res.Duration.Seconds()
	}
	res.P50, res.P99, res.P999, res.Max = h.Percentile(0.5), h.Percentile(0.99), h.Percentile(0.999), h.max
	for i := range cfg.PIDs {
		if res.Delivered > 0 && cpu0[i] >= 0 && cpu1[i] >= 0 {
			res.CPUPerDeliv = append(res.CPUPerDeliv, float64(cpu1[i]-cpu0[i])/float64(time.Microsecond)/float64(res.Delivered))
		} else {
			res.CPUPerDeliv = append(res.CPUPerDeliv, 0)
		}
	}
	return res, nil
}

// clockTick is the unit of /proc/PID/stat's times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuTimes returns each process's user+system CPU time, -1 when it cannot
// be read (not Linux, gone).
func cpuTimes(pids []int) []time.Duration {
	out := make([]time.Duration, len(pids))
	for i, pid := range pids {
		out[i] = -1
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// The fields after the command name (which may hold spaces):
		// state is field 3, utime 14, stime 15.
		j := strings.LastIndexByte(string(b), ')')
		if j < 0 {
			continue
		}
		f := strings.Fields(string(b[j+1:]))
		if len(f) < 13 {
			continue
		}
		u, err1 := strconv.ParseInt(f[11], 10, 64)
		s, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 == nil && err2 == nil {
			out[i] = time.Duration(u+s) * clockTick
		}
	}
	return out
}
