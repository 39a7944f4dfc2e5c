// Package depcheck holds only a test: it keeps vcache's package graph
// one-way, as DESIGN.md draws it, by listing each package's dependencies
// with `go list -deps` and failing on a forbidden edge.
package depcheck
