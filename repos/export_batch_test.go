package repos

// Test hooks of the batch layout for the external test package.

// PendingKey returns the key of tenant's pending shard of service under no
// prefix.
func PendingKey(service, tenant string) string { return keyspace{}.pending(service, tenant) }

// TenantShard is tenantShard: the pending shard of a tenant.
func TenantShard(tenant string) int { return tenantShard(tenant) }
