package valkey

// OnCachedRead makes fn see, for each read b serves through its
// client-side cache, whether the local cache answered it. It must be set
// before b is used; b must have Options.ClientCacheTTL.
func OnCachedRead(b *Backend, fn func(hit bool)) { b.reads.onRead = fn }
