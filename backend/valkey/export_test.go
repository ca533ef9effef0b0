package valkey

// OnCachedRead makes fn see, for each read b serves through its
// client-side cache, whether the local cache answered it. It must be set
// before b is used; without Options.ClientCacheTTL it does nothing.
func OnCachedRead(b *Backend, fn func(hit bool)) {
	if b.reads != nil {
		b.reads.onRead = fn
	}
}
