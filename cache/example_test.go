package cache_test

import (
	"fmt"
	"time"

	"github.com/vcache/vcache/cache"
)

func ExampleKeyspace() {
	cfg := cache.DefaultConfig()
	cfg.MaxMemory = 64 << 20
	cfg.Policy = cache.AllKeysLRU
	ks, _ := cache.New(cfg)

	ks.Set([]byte("greeting"), []byte("hello"), cache.SetOptions{At: time.Now().Add(time.Minute).UnixMilli()})
	v, _ := ks.Get([]byte("greeting"))
	n, _ := ks.IncrBy([]byte("visits"), 1)
	ks.HSet([]byte("doc:1"), [][]byte{[]byte("title"), []byte("vcache")}, false)
	title, _ := ks.HGet([]byte("doc:1"), []byte("title"))
	_, err := ks.Get([]byte("doc:1"))

	fmt.Println(string(v), n, string(title), ks.Type([]byte("doc:1")), ks.TTL([]byte("greeting")) > 0)
	fmt.Println(err == cache.ErrWrongType)
	// Output:
	// hello 1 vcache hash true
	// true
}
