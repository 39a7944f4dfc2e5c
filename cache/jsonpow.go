package cache

import (
	"errors"
	"math"
)

// ErrJSONNotNumber is RedisJSON's error for an arithmetic result that is
// not a finite number.
var ErrJSONNotNumber = errors.New("result is not a number")

// JSONNumPowBy is JSON.NUMPOWBY: each number at path raised to the power
// numText, answered as JSONNumOp answers.
func (ks *Keyspace) JSONNumPowBy(key []byte, path *JSONPath, numText []byte, resp3 bool) (JSONReply, error) {
	return ks.jsonNumApply(key, path, numText, resp3, numPow)
}

// numPow is v to the power num, as RedisJSON documents it: two integers
// give an integer, which must fit in 64 bits (a negative exponent is an
// overflow too); otherwise the power of the doubles, which must be a
// finite number. A failure leaves v as it was.
func numPow(v, num *jsonVal) (*jsonVal, error) {
	if v.k == jInt && num.k == jInt {
		r, ok := intPow(v.i, num.i)
		if !ok {
			return nil, ErrJSONOverflow
		}
		return &jsonVal{k: jInt, i: r}, nil
	}
	f := math.Pow(v.num(), num.num())
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, ErrJSONNotNumber
	}
	return newFloat(f), nil
}

// intPow is base**exp when exp >= 0 and the result fits in an int64.
func intPow(base, exp int64) (int64, bool) {
	switch {
	case exp < 0:
		return 0, false
	case exp == 0:
		return 1, true
	case base == 0 || base == 1:
		return base, true
	case base == -1:
		if exp%2 == 0 {
			return 1, true
		}
		return -1, true
	case exp > 63:
		return 0, false
	}
	r := int64(1)
	for range exp {
		p := r * base
		if p/base != r { // |base| >= 2: the product wrapped
			return 0, false
		}
		r = p
	}
	return r, true
}
