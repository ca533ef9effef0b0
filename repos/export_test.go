package repos

// Test hooks for the external test package.

// UserKey returns the key of a user record under no prefix.
func UserKey(tenant, user string) string { return keyspace{}.user(tenant, user) }

// UserIDsKey returns the key of the ids set of user's bucket under no
// prefix.
func UserIDsKey(tenant, user string) string { return keyspace{}.userIDs(tenant, userBucket(user)) }

// UserFieldKey returns the key of the field index set of user's bucket for
// field and value (as stored) under no prefix.
func UserFieldKey(tenant, user, field, value string) string {
	return keyspace{}.userField(tenant, userBucket(user), field, value)
}

// IndexForever is indexForever: the TTL of an index key naming a record
// without TTL.
const IndexForever = indexForever
