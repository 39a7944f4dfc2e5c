package command

import "github.com/vcache/vcache/internal/resp"

// ftProfileShape is FT.PROFILE's Reply3 (FT.PROFILE index SEARCH|AGGREGATE|HYBRID
// [LIMITED] QUERY query options...): RediSearch's {"Results", "Profile"}
// map, the results in the profiled command's RESP3 form; for HYBRID,
// FT.HYBRID's map with a "Profile" entry, as RediSearch 8.4's.
func ftProfileShape(args [][]byte) resp.Shape {
	if len(args) < 5 {
		return resp.AsIs
	}
	i := 3
	if EqualFold(args[i], "limited") {
		i++
	}
	if i >= len(args)-1 || !EqualFold(args[i], "query") {
		return resp.AsIs
	}
	// The profiled command's line: FT.xxx index query options...
	line := append([][]byte{args[0], args[1]}, args[i+1:]...)
	switch {
	case EqualFold(args[2], "search"):
		return resp.FTProfileShape(ftSearchShape(line))
	case EqualFold(args[2], "aggregate"):
		return resp.FTProfileShape(ftAggregateShape(line))
	case EqualFold(args[2], "hybrid"):
		// FT.HYBRID's map with the profile as one more entry
		return ftHybridShape(line)
	}
	return resp.AsIs
}
