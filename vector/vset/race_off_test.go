//go:build !race

package vset

const raceEnabled = false
