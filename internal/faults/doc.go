// Package faults holds the project's fault-injection tools for tests:
//
//   - Proxy, a TCP proxy between a backend and a real server that passes,
//     blackholes (holds connections, forwards nothing) or resets (RST on
//     every connection, new ones refused) on demand;
//   - FailoverCluster and KillMaster, a Redis Cluster with replicas
//     (started by .ci/failover-cluster.sh) whose masters a test kills to
//     time a failover;
//   - bbolt file damage: GarbleMetaPage, RewriteMeta, DamageFreelistType,
//     DamageFreelistIDs, FlipBytes and BoltDamages, the set of damaged
//     files the bolt backend must refuse or read right.
//
// A private redis-server that a test starts and SIGKILLs is
// testenv.StartRedis.
package faults
