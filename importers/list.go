package importers

import "iter"

// list is an append-only list kept in chunks, so that a large import grows
// without copying what it holds (a register of 100k rows would otherwise
// copy its items about twenty times over).
type list[T any] struct {
	chunks [][]T
	n      int
}

const maxChunk = 8192

func (l *list[T]) add(v T) {
	if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1]) == cap(l.chunks[len(l.chunks)-1]) {
		size := 64
		if len(l.chunks) > 0 {
			size = min(2*cap(l.chunks[len(l.chunks)-1]), maxChunk)
		}
		l.chunks = append(l.chunks, make([]T, 0, size))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, v)
	l.n++
}

func (l *list[T]) len() int { return l.n }

// at returns the i-th item (0-based).
func (l *list[T]) at(i int) *T {
	for _, c := range l.chunks {
		if i < len(c) {
			return &c[i]
		}
		i -= len(c)
	}
	panic("importers: list index out of range")
}

// all yields every item in order with its index.
func (l *list[T]) all() iter.Seq2[int, *T] {
	return func(yield func(int, *T) bool) {
		i := 0
		for _, c := range l.chunks {
			for j := range c {
				if !yield(i, &c[j]) {
					return
				}
				i++
			}
		}
	}
}
