package cluster

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	good := DefaultConfig()
	good.Name, good.Addr = "n1", "10.0.0.1:6379"
	if err := good.Validate(); err != nil {
		t.Fatalf("default config with a name and address: %v", err)
	}
	proxy := good
	proxy.Role, proxy.Addr = RoleProxy, ""
	if err := proxy.Validate(); err != nil {
		t.Fatalf("proxy without a RESP address: %v", err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"no name", func(c *Config) { c.Name = "" }, "Name is required"},
		{"no address", func(c *Config) { c.Addr = "" }, "Addr"},
		{"port not a number", func(c *Config) { c.Addr = "host:http" }, "Addr"},
		{"bad role", func(c *Config) { c.Role = 9 }, "Role"},
		{"bad key", func(c *Config) { c.SecretKey = []byte("short") }, "SecretKey"},
		{"zero interval", func(c *Config) { c.LoadInterval = 0 }, "LoadInterval"},
		{"scale line above 1", func(c *Config) { c.ScaleAt = 1.5 }, "ScaleAt"},
		{"low water above the band", func(c *Config) { c.LowWater = 0.45 }, "LowWater"},
		{"merge cap above the line", func(c *Config) { c.MergeCombinedMax = 0.6 }, "MergeCombinedMax"},
		{"max below min shards", func(c *Config) { c.MinShards, c.MaxShards = 4, 2 }, "MinShards"},
		{"zone too long for meta", func(c *Config) { c.Zone = strings.Repeat("z", 100) }, "Zone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.mutate(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want an error about %s", err, tc.want)
			}
			if _, err := New(c, nil); err == nil {
				t.Fatal("New accepted an invalid config")
			}
		})
	}
}
