/// The one script the node runs itself: the lock watchdog's compare-and-pexpire renewal.
///
/// The command engine runs only the canonical release script; a watchdog (Redisson's
/// renewExpiration) needs "extend only if the value is still my token", atomically. A
/// script runs atomically in Redis, and the node is single-threaded, so composing the
/// engine's GET and PEXPIRE here is exactly that; its effects are propagated as the engine
/// propagates them (PEXPIRE becomes PEXPIREAT), as 7.0's effects replication does.
extension RedisNode {
    func runWatchdogScript(_ argv: [[UInt8]], nowMs: Int64) -> CommandResult? {
        guard argv.word(0) == "eval", argv.count == 6, argv.text(1) == LockScripts.renew, argv.text(2) == "1" else { return nil }
        let key = argv[3], token = argv[4], leaseMs = argv[5]
        let get = RedisCommands.execute([Array("GET".utf8), key], in: &keyspace, nowMs: nowMs, isReplica: isReplica)
        guard case .bulkString(let value?) = get.reply, value == token else {
            return CommandResult(reply: .zero, propagate: get.propagate)
        }
        let pexpire = RedisCommands.execute([Array("PEXPIRE".utf8), key, leaseMs], in: &keyspace, nowMs: nowMs, isReplica: isReplica)
        if case .error(let e) = pexpire.reply {
            return CommandResult(reply: .error(e + " script: watchdog, on @user_script:1."), propagate: get.propagate)
        }
        return CommandResult(reply: pexpire.reply, propagate: get.propagate + pexpire.propagate)
    }
}
