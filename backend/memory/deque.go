package memory

// list is a list value: a double-ended queue over one slice, so that
// pushes and pops at either end cost amortized O(1). The elements are
// buf[off:]; the slots before off are free room for pushes at the front,
// and every slot outside the elements is zeroed so that it holds no
// string alive.
type list struct {
	buf []string
	off int
}

// len returns the number of elements.
func (l *list) len() int { return len(l.buf) - l.off }

// items returns the elements, without copying: callers copy what they
// hand out.
func (l *list) items() []string { return l.buf[l.off:] }

// pushBack appends values at the right.
func (l *list) pushBack(values []string) {
	if len(l.buf)+len(values) > cap(l.buf) {
		l.grow(0, len(values))
	}
	l.buf = append(l.buf, values...)
}

// pushFront prepends values one after the other, so the last ends up
// first.
func (l *list) pushFront(values []string) {
	if l.off < len(values) {
		l.grow(len(values), 0)
	}
	for _, v := range values {
		l.off--
		l.buf[l.off] = v
	}
}

// grow moves the elements into a new slice with room for at least front
// more elements before them and back more after them, plus as much again
// as the list will then hold, split between both ends.
func (l *list) grow(front, back int) {
	n := l.len()
	spare := n + front + back
	if spare < 4 {
		spare = 4
	}
	headroom := front + spare/2
	buf := make([]string, headroom+n, headroom+n+back+spare/2)
	copy(buf[headroom:], l.items())
	l.buf, l.off = buf, headroom
}

// popFront removes and returns up to count elements from the left.
func (l *list) popFront(count int) []string {
	count = min(count, l.len())
	out := append([]string(nil), l.buf[l.off:l.off+count]...)
	clear(l.buf[l.off : l.off+count])
	l.off += count
	l.shrink()
	return out
}

// trim keeps only the elements in [lo, hi) (indexes into items).
func (l *list) trim(lo, hi int) {
	items := l.items()
	clear(items[:lo])
	clear(items[hi:])
	l.buf = l.buf[:l.off+hi]
	l.off += lo
	l.shrink()
}

// shrink gives memory back once the list holds under a quarter of its
// slice, and starts afresh when it is empty.
func (l *list) shrink() {
	switch n := l.len(); {
	case n == 0:
		l.buf, l.off = nil, 0
	case n < cap(l.buf)/4 && cap(l.buf) > 64:
		l.grow(0, 0)
	}
}
