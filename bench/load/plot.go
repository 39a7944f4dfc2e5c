package load

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// KVRun is one server's results of a KV load.
type KVRun struct {
	Addr    string   `json:"addr"`
	Results []Result `json:"results"`
}

var plotColors = []string{"#1f6fd1", "#d13b1f", "#2a9d4b", "#8a4fbf"}

// svgStart opens an SVG document with a white background and a title.
func svgStart(b *strings.Builder, w, h float64, title string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`, w, h)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>`)
	fmt.Fprintf(b, `<text x="50" y="20">%s</text>`, html.EscapeString(title))
}

// PlotKV draws the ops/s of each test as bars, one per server, each bar
// labelled with its ops/s and p99.
func PlotKV(runs []KVRun) string {
	const w, h, pad, top = 800.0, 360.0, 50.0, 70.0
	var maxOps float64
	tests := 0
	for _, r := range runs {
		tests = max(tests, len(r.Results))
		for _, x := range r.Results {
			maxOps = max(maxOps, x.OpsPerSec)
		}
	}
	maxOps = max(maxOps, 1) * 1.15
	var b strings.Builder
	svgStart(&b, w, h, "ops/s per test (bars), p99 above each bar")
	group := (w - 2*pad) / float64(max(tests, 1))
	bar := group * 0.8 / float64(max(len(runs), 1))
	y := func(v float64) float64 { return h - pad - v/maxOps*(h-pad-top) }
	for ri, r := range runs {
		color := plotColors[ri%len(plotColors)]
		for ti, x := range r.Results {
			x0 := pad + float64(ti)*group + group*0.1 + float64(ri)*bar
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x0, y(x.OpsPerSec), bar*0.9, h-pad-y(x.OpsPerSec), color)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10">%.0fk, p99 %.2f ms</text>`, x0, y(x.OpsPerSec)-4, x.OpsPerSec/1000,
				float64(x.P99)/float64(time.Millisecond))
			if ri == 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.0f">%s</text>`, pad+float64(ti)*group+group/2-10, h-pad+15, html.EscapeString(strings.ToUpper(x.Test)))
			}
		}
		fmt.Fprintf(&b, `<rect x="%.0f" y="30" width="10" height="10" fill="%s"/><text x="%.0f" y="39">%s</text>`,
			pad+float64(ri)*220, color, pad+float64(ri)*220+15, html.EscapeString(r.Addr))
	}
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`, pad, h-pad, w-pad, h-pad)
	b.WriteString(`</svg>`)
	return b.String()
}

// PlotVector draws QPS against recall@k, a point per search breadth
// (EF_RUNTIME or PROBES), joined by a line.
func PlotVector(res []VectorResult) string {
	const w, h, pad = 800.0, 360.0, 60.0
	var maxQPS float64
	minRecall := 1.0
	for _, r := range res {
		maxQPS, minRecall = max(maxQPS, r.QPS), min(minRecall, r.Recall)
	}
	maxQPS = max(maxQPS, 1) * 1.15
	lo := max(0, minRecall-0.05)
	x := func(rc float64) float64 { return pad + (rc-lo)/(1-lo+1e-9)*(w-2*pad) }
	y := func(q float64) float64 { return h - pad - q/maxQPS*(h-2*pad) }
	var b strings.Builder
	title := "FT.SEARCH QPS against recall"
	if len(res) > 0 {
		title = fmt.Sprintf("%s: FT.SEARCH QPS against recall@%d (%d vectors, %d dims)", res[0].Algorithm, res[0].K, res[0].N, res[0].Dim)
	}
	svgStart(&b, w, h, title)
	b.WriteString(`<polyline fill="none" stroke="#1f6fd1" stroke-width="2" points="`)
	for _, r := range res {
		fmt.Fprintf(&b, "%.1f,%.1f ", x(r.Recall), y(r.QPS))
	}
	b.WriteString(`"/>`)
	for _, r := range res {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="#1f6fd1"/>`, x(r.Recall), y(r.QPS))
		anchor, dx := "start", 6.0
		if x(r.Recall) > w/2 {
			anchor, dx = "end", -6
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="%s">ef %d: %.0f QPS, recall %.3f</text>`,
			x(r.Recall)+dx, y(r.QPS)-6, anchor, r.EF, r.QPS, r.Recall)
	}
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`, pad, h-pad, w-pad, h-pad)
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f">recall %.2f</text><text x="%.0f" y="%.0f">1.00</text>`, pad, h-pad+15, lo, w-pad-20, h-pad+15)
	fmt.Fprintf(&b, `<text x="5" y="%.0f">%.0f QPS</text>`, pad, maxQPS)
	b.WriteString(`</svg>`)
	return b.String()
}
