// swift-tools-version:6.0
// Faultline: a deterministic simulator for replicated systems. No package dependencies.
import PackageDescription

/// Release builds skip the runtime's dynamic exclusivity checks: the simulation is one
/// thread by construction, and the checks cost more than the event loop itself (callgrind:
/// about 45% of instructions in `faultline bench --workload core-actors`). Debug builds and
/// tests keep them.
let simulationSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Faultline",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Faultline", targets: ["Faultline"]),
        .executable(name: "faultline", targets: ["faultline"]),
    ],
    targets: [
        // The simulated world: clock, events, actors, network, processes, trace.
        .target(name: "FaultlineCore", swiftSettings: simulationSettings),
        // Disks (simulated and real) and the storage engines the systems keep their data in.
        .target(name: "FaultlineStorage", dependencies: ["FaultlineCore"], swiftSettings: simulationSettings),
        // Jepsen-style histories. Imports nothing of ours.
        .target(name: "FaultlineHistory", swiftSettings: simulationSettings),
        // Checkers see histories only, never a protocol.
        .target(name: "FaultlineCheck", dependencies: ["FaultlineHistory"], swiftSettings: simulationSettings),
        // Modelled systems: each sees the world, storage and histories, never each other.
        .target(name: "FaultlineZooKeeper",
                dependencies: ["FaultlineCore", "FaultlineStorage", "FaultlineHistory"], swiftSettings: simulationSettings),
        .target(name: "FaultlineRedis",
                dependencies: ["FaultlineCore", "FaultlineStorage", "FaultlineHistory"], swiftSettings: simulationSettings),
        // Scenarios, workloads, nemeses, fuzz/replay/shrink, reports, CLI commands.
        .target(name: "Faultline",
                dependencies: ["FaultlineCore", "FaultlineStorage", "FaultlineHistory",
                               "FaultlineCheck", "FaultlineZooKeeper", "FaultlineRedis"], swiftSettings: simulationSettings),
        .executableTarget(name: "faultline", dependencies: ["Faultline"]),

        .testTarget(name: "FaultlineCoreTests", dependencies: ["FaultlineCore"]),
        .testTarget(name: "FaultlineStorageTests", dependencies: ["FaultlineStorage", "FaultlineCore"]),
        .testTarget(name: "FaultlineCheckTests", dependencies: ["FaultlineCheck", "FaultlineHistory"]),
        .testTarget(name: "FaultlineHistoryTests", dependencies: ["FaultlineHistory"]),
        .testTarget(name: "FaultlineZooKeeperTests",
                    dependencies: ["FaultlineZooKeeper", "FaultlineCore", "FaultlineStorage", "FaultlineHistory", "FaultlineCheck"]),
        .testTarget(name: "FaultlineRedisTests",
                    dependencies: ["FaultlineRedis", "FaultlineCore", "FaultlineStorage", "FaultlineHistory", "FaultlineCheck"]),
        .testTarget(name: "FaultlineTests", dependencies: ["Faultline", "faultline"]),
    ]
)
