// Package testutil holds what vcache's tests share: waiting on a condition
// with a deadline instead of sleeping, a raw RESP client for comparing
// replies byte for byte, and a free loopback port. Only tests import it.
package testutil
