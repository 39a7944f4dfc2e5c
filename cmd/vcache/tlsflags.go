package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
)

// tlsFlags are the TLS flags of a server or proxy.
type tlsFlags struct {
	cert, key, ca string
}

func (f *tlsFlags) register(fs *flag.FlagSet, peers string) {
	fs.StringVar(&f.cert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key, clients must use TLS")
	fs.StringVar(&f.key, "tls-key", "", "TLS private key file (PEM)")
	fs.StringVar(&f.ca, "tls-ca-cert", "", "CA certificate file (PEM) that "+peers+"'s certificates are checked against (default: the system's)")
}

// server returns the listener's TLS config, nil without --tls-cert.
func (f *tlsFlags) server() (*tls.Config, error) {
	switch {
	case f.cert != "" && f.key != "":
		cert, err := tls.LoadX509KeyPair(f.cert, f.key)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
	case f.cert != "" || f.key != "":
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	return nil, nil
}

// client returns a config for dialing TLS peers, checked against --tls-ca-cert.
func (f *tlsFlags) client() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.ca != "" {
		pem, err := os.ReadFile(f.ca)
		if err != nil {
			return nil, fmt.Errorf("--tls-ca-cert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("--tls-ca-cert: no certificate in the file")
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// parseGossipKey reads --gossip-key: 16, 24 or 32 bytes as hex or base64.
func parseGossipKey(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	for _, dec := range []func(string) ([]byte, error){hex.DecodeString, base64.StdEncoding.DecodeString} {
		if b, err := dec(s); err == nil && (len(b) == 16 || len(b) == 24 || len(b) == 32) {
			return b, nil
		}
	}
	return nil, errors.New("--gossip-key must be 16, 24 or 32 bytes, in hex or base64")
}
