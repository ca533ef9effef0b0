package valkey

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKeySlot checks keySlot against values of CLUSTER KEYSLOT (from the
// Redis Cluster specification and a Redis 7 server).
func TestKeySlot(t *testing.T) {
	tests := []struct {
		key  string
		slot uint16
	}{
		{"123456789", 0x31C3},
		{"somekey", 11058},
		{"foo{hash_tag}", 2515},
		{"{hash_tag}bar", 2515},
		{"hash_tag", 2515},
		{"foo{}{bar}", keySlotOf("foo{}{bar}")},
		{"foo{{bar}}zap", keySlotOf("{bar")},
		{"", 0},
	}
	for _, tt := range tests {
		require.Equal(t, tt.slot, keySlot(tt.key), "key %q", tt.key)
	}
}

// keySlotOf hashes s whole, with no hash tag.
func keySlotOf(s string) uint16 { return crc16(s) % slotCount }
