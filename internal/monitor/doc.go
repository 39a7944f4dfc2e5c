// Package monitor is what a node and the proxy share of MONITOR: which
// command lines it shows, how one line is rendered (Redis 7.0's format and
// quoting), and which arguments carry a password, which MONITOR and the
// slow log show as "(redacted)".
package monitor
