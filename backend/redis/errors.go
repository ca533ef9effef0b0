package redis

import (
	"errors"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/rediserr"
)

// mapReply returns the store sentinel a Redis error reply stands for
// (internal/rediserr, plus an out-of-range TTL as ErrInvalidArgument), or
// nil for an error that is not a reply or means none of them.
func mapReply(err error) error {
	var reply goredis.Error
	if !errors.As(err, &reply) {
		return nil
	}
	msg := reply.Error()
	if s := rediserr.Sentinel(msg); s != nil {
		return s
	}
	if strings.HasPrefix(msg, "ERR invalid expire time") {
		return store.ErrInvalidArgument
	}
	return nil
}
