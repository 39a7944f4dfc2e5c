package ftargs

import (
	"testing"
)

func TestSlotSetRoundTrip(t *testing.T) {
	for _, spec := range []string{"", "0", "0-5460", "0-5460,10923-16383", "1,3,5-7,16383"} {
		s, err := ParseSlotSet(spec)
		if err != nil {
			t.Fatalf("%q: %v", spec, err)
		}
		if got := s.String(); got != spec {
			t.Errorf("%q came back as %q", spec, got)
		}
	}
	s, _ := ParseSlotSet("5-7")
	if s.Has(4) || !s.Has(5) || !s.Has(7) || s.Has(8) || s.Has(-1) || s.Has(16384) {
		t.Error("5-7 holds the wrong slots")
	}
	for _, bad := range []string{"x", "1-", "7-5", "16384", "-1", "1,,2"} {
		if _, err := ParseSlotSet(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseAggregate([][]byte{[]byte("*"), []byte(SlotsArg)}); err == nil {
		t.Error("__SLOTS without its argument accepted")
	}
	a, err := ParseAggregate([][]byte{[]byte("*"), []byte(SlotsArg), []byte("0-9")})
	if err != nil || a.Slots == nil || !a.Slots.Has(9) || a.Slots.Has(10) {
		t.Fatalf("__SLOTS 0-9: %v", err)
	}
}
