package repos

import "fmt"

// callName names a repository call in its errors ("repos: user get "u1"
// of tenant "acme""). It is a small value built on every call and
// formatted only when an error needs it, so that a call that succeeds
// pays nothing for its message (a fmt.Sprintf per call cost about a
// quarter of a cached read).
type callName struct {
	format string // after "repos: "; the op is the first verb, the ids (clipped, %q) follow
	op     string
	ids    [4]string
	n      uint8
}

// named returns the callName of op with format and up to four ids.
func named(format, op string, ids ...string) callName {
	c := callName{format: format, op: op}
	c.n = uint8(copy(c.ids[:], ids))
	return c
}

// String formats the name, clipping each id (see clipID).
func (c callName) String() string {
	args := make([]any, 0, 1+len(c.ids))
	args = append(args, c.op)
	for _, id := range c.ids[:c.n] {
		args = append(args, clipID(id))
	}
	return "repos: " + fmt.Sprintf(c.format, args...)
}
