//go:build race

package vset

const raceEnabled = true
