package ftargs

import (
	"errors"
	"fmt"
	"math"
)

// ErrNotNumeric is an operand of arithmetic that is no number.
var ErrNotNumeric = errors.New("Could not convert value to a number")

// Eval evaluates e over row.
func (e *Expr) Eval(row *Row) (Value, error) {
	switch e.kind {
	case exNum:
		return Num(e.num), nil
	case exStr:
		return Str(e.str), nil
	case exNull:
		return Value{}, nil
	case exProp:
		v, ok := row.Get(e.str)
		if !ok {
			return Value{}, fmt.Errorf("Could not find the value for a parameter name, consider using EXISTS if applicable for %s", e.str)
		}
		return v, nil
	case exNot:
		v, err := e.args[0].Eval(row)
		if err != nil {
			return Value{}, err
		}
		return boolNum(!v.Truthy()), nil
	case exNeg:
		v, err := e.args[0].Eval(row)
		if err != nil {
			return Value{}, err
		}
		f, ok := v.ToNumber()
		if !ok {
			return Value{}, ErrNotNumeric
		}
		return Num(-f), nil
	case exFunc:
		if e.str == "exists" {
			if p := e.args[0]; p.kind == exProp {
				_, ok := row.Get(p.str)
				return boolNum(ok), nil
			}
		}
		args := make([]Value, len(e.args))
		for i, a := range e.args {
			v, err := a.Eval(row)
			if err != nil {
				return Value{}, err
			}
			args[i] = v
		}
		return exprFuncs[e.str].fn(args)
	}
	return e.evalBinary(row)
}

func boolNum(b bool) Value {
	if b {
		return Num(1)
	}
	return Num(0)
}

func (e *Expr) evalBinary(row *Row) (Value, error) {
	l, err := e.args[0].Eval(row)
	if err != nil {
		return Value{}, err
	}
	switch e.str {
	case "&&":
		if !l.Truthy() {
			return Num(0), nil
		}
	case "||":
		if l.Truthy() {
			return Num(1), nil
		}
	}
	r, err := e.args[1].Eval(row)
	if err != nil {
		return Value{}, err
	}
	switch e.str {
	case "&&", "||":
		return boolNum(r.Truthy()), nil
	case "==":
		return boolNum(Compare(l, r) == 0), nil
	case "!=":
		return boolNum(Compare(l, r) != 0), nil
	case "<":
		return boolNum(Compare(l, r) < 0), nil
	case "<=":
		return boolNum(Compare(l, r) <= 0), nil
	case ">":
		return boolNum(Compare(l, r) > 0), nil
	case ">=":
		return boolNum(Compare(l, r) >= 0), nil
	}
	a, ok1 := l.ToNumber()
	b, ok2 := r.ToNumber()
	if !ok1 || !ok2 {
		return Value{}, ErrNotNumeric
	}
	switch e.str {
	case "+":
		return Num(a + b), nil
	case "-":
		return Num(a - b), nil
	case "*":
		return Num(a * b), nil
	case "/":
		return Num(a / b), nil
	case "%":
		x, y := int64(a), int64(b)
		if y == 0 || math.IsNaN(a) || math.IsNaN(b) {
			return Num(math.NaN()), nil
		}
		if y == -1 {
			return Num(0), nil
		}
		return Num(float64(x % y)), nil
	}
	return Num(math.Pow(a, b)), nil // ^
}
