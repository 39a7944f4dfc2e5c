package script

import (
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// A Lua string value (lua.LString in a lua.LValue) is two allocations
// when made from bytes: the string, then the header that the interface
// points to. setStrings makes the values of a script's KEYS and ARGV with
// one allocation for all of them, laid out as their headers followed by
// their bytes, each value an interface pointing to its header (as
// gopher-lua's own allocator lays out its numbers). The block is noscan
// memory: the headers hold pointers only into the block itself, which
// whoever holds one of its values or strings keeps alive (Go's collector
// does not move objects and follows pointers into an object's interior).

// lstringTab is the interface table of lua.LString as a lua.LValue.
var lstringTab = func() unsafe.Pointer {
	var v lua.LValue = lua.LString("")
	return (*lvalue)(unsafe.Pointer(&v)).tab
}()

// lvalue is the layout of a Go interface value.
type lvalue struct {
	tab, data unsafe.Pointer
}

// setStrings calls set with each of vals as a Lua string value, all of
// them in one allocation.
func setStrings(vals [][]byte, set func(int, lua.LValue)) {
	if len(vals) == 0 {
		return
	}
	const hdr = int(unsafe.Sizeof(""))
	size := hdr * len(vals)
	for _, v := range vals {
		size += len(v)
	}
	block := make([]byte, size) // at least a header: pointer-aligned
	at := hdr * len(vals)
	for i, v := range vals {
		s := ""
		if len(v) > 0 {
			s = unsafe.String(&block[at], len(v))
		}
		at += copy(block[at:], v)
		h := (*string)(unsafe.Pointer(&block[hdr*i]))
		*h = s
		var lv lua.LValue
		*(*lvalue)(unsafe.Pointer(&lv)) = lvalue{tab: lstringTab, data: unsafe.Pointer(h)}
		set(i, lv)
	}
}
