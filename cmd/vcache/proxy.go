package main

import (
	"context"
	"errors"
	"io"
)

// runProxy runs the proxy; it lands with the proxy package.
func runProxy(ctx context.Context, args []string, stdout io.Writer) error {
	return errors.New("the proxy is not built yet")
}
