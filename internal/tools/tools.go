//go:build tools

// Package tools pins the module's dependencies in go.mod while the
// packages that use them are being written.
package tools

import (
	_ "github.com/alicebob/miniredis/v2"
	_ "github.com/redis/go-redis/v9"
	_ "github.com/stretchr/testify/require"
	_ "github.com/valkey-io/valkey-go"
	_ "go.etcd.io/bbolt"
	_ "go.uber.org/goleak"
)
