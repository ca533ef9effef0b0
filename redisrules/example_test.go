package redisrules_test

import (
	"fmt"
	"math"
	"math/big"

	"github.com/mimeiapify/store/redisrules"
)

func ExampleMatch() {
	fmt.Println(redisrules.Match("user:*", "user:42"))
	fmt.Println(redisrules.Match("user:[0-9]?", "user:42"))
	fmt.Println(redisrules.Match("user:\\*", "user:42"))
	fmt.Println(redisrules.Match("*", ""))
	// Output:
	// true
	// true
	// false
	// true
}

func ExampleEscape() {
	tenant := "a*b"
	pattern := "t:" + redisrules.Escape(tenant) + ":*"
	fmt.Println(pattern)
	fmt.Println(redisrules.Match(pattern, "t:a*b:k"), redisrules.Match(pattern, "t:axxb:k"))
	// Output:
	// t:a\*b:*
	// true false
}

func ExampleLiteralPrefix() {
	fmt.Printf("%q\n", redisrules.LiteralPrefix("t:acme:*"))
	fmt.Printf("%q\n", redisrules.LiteralPrefix(`t:a\*b?`))
	// Output:
	// "t:acme:"
	// "t:a*b"
}

func ExampleServerPattern() {
	fmt.Println(redisrules.ServerPattern("user:*"))
	fmt.Println(redisrules.ServerPattern("bin:\xff*"))
	// Output:
	// user:*
	// bin:*
}

func ExampleParseInt() {
	for _, s := range []string{"42", "-7", "+1", "01", " 1", "9223372036854775808"} {
		n, ok := redisrules.ParseInt(s)
		fmt.Printf("%q %d %v\n", s, n, ok)
	}
	// Output:
	// "42" 42 true
	// "-7" -7 true
	// "+1" 0 false
	// "01" 0 false
	// " 1" 0 false
	// "9223372036854775808" 0 false
}

func ExampleAddInt() {
	fmt.Println(redisrules.AddInt(40, 2))
	fmt.Println(redisrules.AddInt(9223372036854775807, 1))
	// Output:
	// 42 true
	// 0 false
}

func ExampleIncrFloat() {
	stored, value, notFloat, overflow := redisrules.IncrFloat("0.1", true, 0.2)
	fmt.Println(stored, value, notFloat, overflow)
	stored, _, _, _ = redisrules.IncrFloat("", false, 3)
	fmt.Println(stored)
	_, _, notFloat, _ = redisrules.IncrFloat("abc", true, 1)
	fmt.Println(notFloat)
	// Output:
	// 0.3 0.3 false false
	// 3
	// true
}

func ExampleFormatFloat() {
	f, _ := redisrules.ParseFloat("1.50")
	fmt.Println(redisrules.FormatFloat(f))
	fmt.Println(redisrules.FormatFloat(big.NewFloat(math.Copysign(0, -1))))
	fmt.Println(redisrules.FormatInt(-12))
	// Output:
	// 1.5
	// 0
	// -12
}
