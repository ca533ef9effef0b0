package repos_test

import (
	"fmt"
	"strings"

	"github.com/mimeiapify/store/internal/testenv"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// clusterURL turns the comma-separated seed list of a cluster variable into
// the host part of a cluster URL (first seed as host, the rest as addr
// parameters); other variables already hold a URL.
func clusterURL(variable, v string) string {
	if variable != testenv.RedisCluster && variable != testenv.ValkeyCluster {
		return v
	}
	seeds := strings.Split(v, ",")
	var b strings.Builder
	b.WriteString(seeds[0])
	for i, s := range seeds[1:] {
		if i == 0 {
			b.WriteString("?")
		} else {
			b.WriteString("&")
		}
		b.WriteString("addr=" + s)
	}
	return b.String()
}
