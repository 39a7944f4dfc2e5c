package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testcert"
)

// TestServerAndProxyOverTLS: a node with --tls-cert answers redis-cli
// --tls and go-redis with TLS, refuses plain text, and a proxy with
// --backend-tls reaches it.
func TestServerAndProxyOverTLS(t *testing.T) {
	requireTool(t, "redis-cli")
	certs, err := testcert.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--loglevel", "error",
		"--tls-cert", certs.CertFile, "--tls-key", certs.KeyFile)
	defer func() { cancel(); <-done }()
	port := addr[strings.LastIndex(addr, ":")+1:]
	out, err := exec.Command("redis-cli", "--tls", "--cacert", certs.CAFile, "-h", "127.0.0.1", "-p", port, "SET", "k", "over-tls").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "OK" {
		t.Fatalf("redis-cli --tls SET: %q, %v", out, err)
	}
	ctx := context.Background()
	tc := redis.NewClient(&redis.Options{Addr: addr, TLSConfig: certs.Client})
	defer tc.Close()
	if v, err := tc.Get(ctx, "k").Result(); err != nil || v != "over-tls" {
		t.Fatalf("go-redis over TLS: %q, %v", v, err)
	}
	plain := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer plain.Close()
	if err := plain.Ping(ctx).Err(); err == nil {
		t.Fatal("a plain-text client was answered by a TLS port")
	}
	// A proxy that speaks plain text to its clients and TLS to the node.
	paddr, pcancel, pdone := startCmd(t, "proxy", "--port", "0", "--loglevel", "error", "--backend", addr,
		"--backend-tls", "--tls-ca-cert", certs.CAFile)
	defer func() { pcancel(); <-pdone }()
	pc := redis.NewClient(&redis.Options{Addr: paddr})
	defer pc.Close()
	if v, err := pc.Get(ctx, "k").Result(); err != nil || v != "over-tls" {
		t.Fatalf("through the proxy over TLS: %q, %v", v, err)
	}
}

func TestGossipKeyFlag(t *testing.T) {
	for in, ok := range map[string]bool{
		"00112233445566778899aabbccddeeff": true,  // 16 bytes, hex
		"MDEyMzQ1Njc4OWFiY2RlZg==":         true,  // 16 bytes, base64
		"abc":                              false, // too short
		"":                                 true,  // none
	} {
		if _, err := parseGossipKey(in); (err == nil) != ok {
			t.Errorf("parseGossipKey(%q): %v", in, err)
		}
	}
	if err := run(context.Background(), []string{"server", "--port", "0", "--join", "127.0.0.1:1", "--gossip", "127.0.0.1:0", "--gossip-key", "short"}, nil, nil); err == nil {
		t.Error("a bad --gossip-key was accepted")
	}
}
