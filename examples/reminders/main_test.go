package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const want = `fired: [acme/chat-1 globex/chat-9]
sent: acme <- chat-1: your cart is waiting
sent: globex <- chat-9: meeting in 5 minutes
dead letters: 0
`

func TestRemindersOnEmbeddedBackends(t *testing.T) {
	for _, url := range []string{"memory://", "bolt://" + filepath.Join(t.TempDir(), "reminders.db")} {
		var out strings.Builder
		require.NoError(t, run(context.Background(), &out, url), url)
		require.Equal(t, want, out.String(), url)
	}
}
